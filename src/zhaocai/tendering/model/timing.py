"""Timing guards of the procedure, each a rule from the rules table counted by zhaocai.rules.periods.

- documents issued → bid deadline: at least bid_deadline_min_days (法24; 依法必须招标 tenders only)
- document sale (发售期): at least document_sale_min_days (条例16)
- prequalification applications due at least prequal_application_min_days after the sale ends (条例17)
- a clarification or amendment that may affect bids must leave clarification_min_days_before_* days before the
  deadline, or the deadline moves (顺延) — to at least `earliest_new_deadline` (条例21)
- an objection to the documents at least objection_*_min_days_before_deadline days before it (条例22), answered
  within objection_docs_answer_days (tracked)
- once the deadline has passed, neither the documents nor the deadline change
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.rules import before_cutoff, check_before, check_min_period, earliest_anchor, period_end
from zhaocai.rules.periods import format_moment, local
from zhaocai.tendering.model.rulebook import RuleBook
from zhaocai.tendering.model.tender import Stage

BID_DEADLINE_RULE = "bid_deadline_min_days"
SALE_RULE = "document_sale_min_days"
APPLICATIONS_RULE = "prequal_application_min_days"
OBJECTION_ANSWER_RULE = "objection_docs_answer_days"
CLARIFICATION_RULE = {
    Stage.TENDER: "clarification_min_days_before_bid_deadline",
    Stage.PREQUALIFICATION: "clarification_min_days_before_prequal_deadline",
}
OBJECTION_RULE = {
    Stage.TENDER: "objection_tender_docs_min_days_before_deadline",
    Stage.PREQUALIFICATION: "objection_prequal_docs_min_days_before_deadline",
}
DEADLINE_FIELD = {Stage.TENDER: "bid_deadline", Stage.PREQUALIFICATION: "applications_due"}


def check_sale_period(issued_at: datetime, sale_ends_at: datetime, book: RuleBook) -> None:
    """The documents must be on sale for at least document_sale_min_days (条例16)."""
    check_min_period(issued_at, sale_ends_at, book.rule(SALE_RULE), field="sale_ends_at", calendar=book.calendar)


def check_bid_deadline(
    documents_issued_at: datetime, sale_ends_at: datetime, deadline: datetime, book: RuleBook
) -> None:
    """The bid deadline leaves bid_deadline_min_days after the documents are issued (法24, when it governs), and
    the sale does not outlast it (a bidder must be able to get the documents it bids on)."""
    rule = book.governing(BID_DEADLINE_RULE)
    if rule is not None:
        check_min_period(documents_issued_at, deadline, rule, field="bid_deadline", calendar=book.calendar)
    _check_sale_ends_first(sale_ends_at, deadline, "bid_deadline")


def check_applications_due(sale_ends_at: datetime, applications_due: datetime, book: RuleBook) -> None:
    """Applications are due at least prequal_application_min_days after the prequalification documents stop being
    sold (条例17, when it governs), and never before that."""
    rule = book.governing(APPLICATIONS_RULE)
    if rule is not None:
        start = _ending_moment(sale_ends_at)
        check_min_period(start, applications_due, rule, field="applications_due", calendar=book.calendar)
    _check_sale_ends_first(sale_ends_at, applications_due, "applications_due")


def check_stage_deadline(
    stage: Stage, issued_at: datetime, sale_ends_at: datetime, deadline: datetime, book: RuleBook
) -> None:
    if stage is Stage.TENDER:
        check_bid_deadline(issued_at, sale_ends_at, deadline, book)
    else:
        check_applications_due(sale_ends_at, deadline, book)


def check_before_deadline(at: datetime, deadline: datetime, stage: Stage, book: RuleBook) -> None:
    """Once the deadline has passed nothing that bidders rely on changes: refuse (Conflict) an act at or after it."""
    if local(at) >= local(deadline):
        rule = book.rule(CLARIFICATION_RULE[stage])
        raise Conflict(
            f"the {DEADLINE_FIELD[stage].replace('_', ' ')} ({format_moment(deadline)} Asia/Shanghai) has passed: the "
            f"documents, the evaluation criteria and the deadline can no longer change ({rule.citation})",
            field=DEADLINE_FIELD[stage],
            citation=rule.citation,
            code="deadline_passed",
            detail={"deadline": local(deadline).isoformat(), "at": local(at).isoformat()},
        )


def earliest_new_deadline(at: datetime, deadline: datetime, stage: Stage, book: RuleBook) -> datetime | None:
    """For a clarification or amendment at `at` that may affect bids (or applications): None when the current
    `deadline` still leaves the days 条例21 asks for, else the earliest deadline the tender must move to.
    Refuses (Conflict) once the deadline has passed."""
    check_before_deadline(at, deadline, stage, book)
    rule = book.rule(CLARIFICATION_RULE[stage])
    if local(at) < before_cutoff(deadline, rule, calendar=book.calendar):
        return None
    return earliest_anchor(at, rule, calendar=book.calendar)


def check_amendment(
    at: datetime,
    deadline: datetime,
    new_deadline: datetime | None,
    stage: Stage,
    book: RuleBook,
    *,
    affects_bids: bool,
) -> datetime:
    """The deadline that stands after a clarification or amendment at `at`: `new_deadline` if given, else the
    current one. When the change may affect bids, or brings the deadline forward, refuses a standing deadline that
    leaves fewer days than 条例21 asks for, naming the earliest acceptable one. A bare extension needs no minimum."""
    check_before_deadline(at, deadline, stage, book)
    standing = new_deadline or deadline
    if affects_bids or local(standing) < local(deadline):
        rule = book.rule(CLARIFICATION_RULE[stage])
        earliest = earliest_anchor(at, rule, calendar=book.calendar)
        if local(standing) < earliest:
            raise ValidationFailed(
                f"{rule.statement} ({rule.citation}): move the {DEADLINE_FIELD[stage].replace('_', ' ')} to "
                f"{format_moment(earliest)} Asia/Shanghai or later, got {format_moment(standing)}",
                field=DEADLINE_FIELD[stage],
                citation=rule.citation,
                detail={"rule": rule.key, "limit": earliest.isoformat(), "got": local(standing).isoformat()},
            )
    return standing


def check_objection_in_time(at: datetime, deadline: datetime, stage: Stage, book: RuleBook) -> None:
    """An objection to the documents must come at least objection_*_min_days_before_deadline days before the
    deadline (条例22)."""
    check_before(at, deadline, book.rule(OBJECTION_RULE[stage]), field="raised_at", calendar=book.calendar)


def objection_answer_due(raised_at: datetime, book: RuleBook) -> datetime:
    """When the answer to an objection raised at `raised_at` becomes overdue (3 days, 条例22; tracked)."""
    return period_end(raised_at, book.rule(OBJECTION_ANSWER_RULE), calendar=book.calendar)


def _ending_moment(end: datetime) -> datetime:
    """A period that starts when another ends: an end at 00:00 is 24:00 of the day before (民法典203), so the new
    period's days start on that day, not a day later."""
    moment = local(end)
    return moment - timedelta(microseconds=1) if moment.time() == time(0) else moment


def _check_sale_ends_first(sale_ends_at: datetime, deadline: datetime, field: str) -> None:
    if local(deadline) < local(sale_ends_at):
        raise ValidationFailed(
            f"the {field.replace('_', ' ')} ({format_moment(deadline)}) comes before the documents stop being sold "
            f"({format_moment(sale_ends_at)})",
            field=field,
            detail={"limit": local(sale_ends_at).isoformat(), "got": local(deadline).isoformat()},
        )


def earliest_schedule(at: datetime, stage: Stage, book: RuleBook) -> tuple[datetime, datetime]:
    """For documents of `stage` issued at `at`: the earliest sale end (条例16) and the earliest deadline the rules
    allow (法24 for bids, 条例17 for applications, where they govern; never before the sale ends)."""
    sale_ends_at = period_end(at, book.rule(SALE_RULE), calendar=book.calendar)
    if stage is Stage.TENDER:
        rule = book.governing(BID_DEADLINE_RULE)
        deadline = period_end(at, rule, calendar=book.calendar) if rule is not None else sale_ends_at
    else:
        rule = book.governing(APPLICATIONS_RULE)
        start = _ending_moment(sale_ends_at)
        deadline = period_end(start, rule, calendar=book.calendar) if rule is not None else sale_ends_at
    return sale_ends_at, max(deadline, sale_ends_at)
