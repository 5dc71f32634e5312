"""The candidate publicity (中标候选人公示): what it must state (10号令6) and when (条例54). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from zhaocai.award.model.citations import PUBLICITY_CONTENT
from zhaocai.core.errors import ValidationFailed
from zhaocai.rules import Rule, WorkingDayCalendar, check_min_period, period_end


@dataclass(frozen=True)
class PublicCandidate:
    """One candidate as the publicity states it."""

    rank: int
    bid_id: str
    bidder_name: str
    bidder_credit_code: str
    price: Decimal
    quality: str
    duration_days: int
    project_manager: str
    project_manager_certificate: str
    qualifications: str  # 响应招标文件要求的资格能力条件


@dataclass(frozen=True)
class PublicityContent:
    tender_number: str
    tender_name: str
    lot_number: str
    lot_name: str
    report_id: str
    candidates: tuple[PublicCandidate, ...]
    evaluation_summary: str  # 评标情况
    objection_channel: str  # 提出异议的渠道和方式
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CandidateInput:
    """What the tender side adds to (or fills in for) a candidate of the report."""

    bid_id: str
    qualifications: str
    quality: str | None = None
    duration_days: int | None = None
    project_manager: str | None = None
    project_manager_certificate: str | None = None


def _missing(field: str, label: str) -> ValidationFailed:
    return ValidationFailed(
        f"the candidate publicity must state {label} (10号令6)", field=field, citation=PUBLICITY_CONTENT
    )


def _text(value: str | None, field: str, label: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise _missing(field, label)
    return text


def merge_value(reported, given, field: str, label: str):  # type: ignore[no-untyped-def]
    """The report's value, or the tender side's when the report has none; a given value that contradicts the report
    is refused (the publicity states what the committee recommended)."""
    if isinstance(given, str):
        given = given.strip() or None
    if reported is not None and given is not None and given != reported:
        raise ValidationFailed(
            f"{label} differs from the evaluation report ({reported!r}): the publicity states what the committee "
            "recommended",
            field=field,
            citation=PUBLICITY_CONTENT,
            code="contradicts_report",
        )
    value = reported if reported is not None else given
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _missing(field, label)
    return value


def check_candidate_list(reported_bid_ids: list[str], given_bid_ids: list[str]) -> None:
    """The publicity lists exactly the report's candidates, each once."""
    if sorted(given_bid_ids) != sorted(reported_bid_ids) or len(set(given_bid_ids)) != len(given_bid_ids):
        raise ValidationFailed(
            f"the publicity must list exactly the report's candidates ({', '.join(reported_bid_ids)}), each once",
            field="candidates",
            citation=PUBLICITY_CONTENT,
            code="candidates_mismatch",
        )


def check_texts(*, evaluation_summary: str, objection_channel: str) -> tuple[str, str]:
    return (
        _text(evaluation_summary, "evaluation_summary", "the evaluation summary (评标情况)"),
        _text(objection_channel, "objection_channel", "how to object (提出异议的渠道和方式)"),
    )


def candidate_text(value: str | None, index: int, name: str, label: str) -> str:
    return _text(value, f"candidates[{index}].{name}", label)


@dataclass(frozen=True)
class PublicityTiming:
    start_due_at: datetime | None  # publish before this (条例54, tracked); None when the rule does not govern
    late: bool


def check_period(
    published_at: datetime,
    ends_at: datetime,
    min_days: Rule | None,
    *,
    calendar: WorkingDayCalendar | None = None,
) -> None:
    """Refuse a publicity that ends before `min_days` have run from its publication (条例54: at least 3 days)."""
    if ends_at <= published_at:
        raise ValidationFailed("the publicity must end after it starts", field="ends_at")
    if min_days is not None:
        check_min_period(published_at, ends_at, min_days, field="ends_at", calendar=calendar)


def timing(
    report_completed_at: datetime,
    published_at: datetime,
    start_days: Rule | None,
    *,
    calendar: WorkingDayCalendar | None = None,
) -> PublicityTiming:
    """When the publicity was due (within 3 days of the report, tracked) and whether it came late."""
    if start_days is None:
        return PublicityTiming(None, False)
    due = period_end(report_completed_at, start_days, calendar=calendar)
    return PublicityTiming(due, published_at >= due)
