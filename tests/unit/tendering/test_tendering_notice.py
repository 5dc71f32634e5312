"""Notice content (10号令5): a complete notice passes; each item left out is named, with its clause."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tendering_world import DEADLINE, ISSUE_AT, notice_for, tender

from zhaocai.core.errors import ValidationFailed
from zhaocai.tendering.model import Contact, Notice, NoticeKind, missing_notice_items, validate_notice

DRAFT = tender()
COMPLETE = notice_for(DRAFT)


def validate(notice: Notice, *, agency: bool = True, kind: NoticeKind = NoticeKind.TENDER_NOTICE) -> None:
    validate_notice(notice, tender_number=DRAFT.number, expected_kind=kind, agency=agency)


def missing(notice: Notice, *, agency: bool = True) -> list[str]:
    return [item.field for item in missing_notice_items(notice, agency=agency)]


def test_a_complete_notice_passes() -> None:
    validate(COMPLETE)
    assert missing(COMPLETE) == []


# field -> (blank value, clause)
ITEMS = {
    "tender_name": ("", "一"),
    "content": (" ", "一"),
    "scope": ("", "一"),
    "scale": ("", "一"),
    "funding_source": ("", "一"),
    "qualifications": ("", "二"),
    "consortium_allowed": (None, "二"),
    "documents_from": (None, "三"),
    "documents_until": (None, "三"),
    "documents_how": ("", "三"),
    "submission_deadline": (None, "四"),
    "submission_how": ("", "四"),
    "platform_url": ("", "六"),
    "platform_usage": ("", "六"),
}


@pytest.mark.parametrize("field", sorted(ITEMS))
def test_each_missing_item_is_named(field: str) -> None:
    blank, clause = ITEMS[field]
    notice = replace(COMPLETE, **{field: blank})
    with pytest.raises(ValidationFailed) as caught:
        validate(notice)
    error = caught.value
    assert error.field == "notice"
    assert error.citation == "10号令5"
    assert error.detail["missing"] == [field]
    assert f"[{field}, 10号令5({clause})]" in error.message


@pytest.mark.parametrize("part", ["organisation", "address", "person", "phone"])
def test_each_missing_contact_detail_is_named(part: str) -> None:
    tenderer = replace(COMPLETE.tenderer, **{part: ""})
    assert missing(replace(COMPLETE, tenderer=tenderer)) == [f"tenderer.{part}"]
    agent = replace(COMPLETE.agent, **{part: ""})
    assert missing(replace(COMPLETE, agent=agent)) == [f"agent.{part}"]


def test_the_agency_is_required_only_when_an_agency_runs_the_tender() -> None:
    without_agent = replace(COMPLETE, agent=None)
    assert missing(without_agent, agency=False) == []
    assert missing(without_agent) == ["agent.organisation", "agent.address", "agent.person", "agent.phone"]


@pytest.mark.parametrize("url", ["trading.example.cn", "ftp://trading.example.cn", "https://", "javascript:alert(1)"])
def test_the_platform_address_is_a_web_address(url: str) -> None:
    assert missing(replace(COMPLETE, platform_url=url)) == ["platform_url"]


def test_the_document_period_ends_after_it_starts() -> None:
    assert missing(replace(COMPLETE, documents_until=ISSUE_AT)) == ["documents_until"]


def test_an_empty_notice_lists_every_item_in_the_order_of_the_article() -> None:
    empty = Notice(kind=NoticeKind.TENDER_NOTICE, tender_number=DRAFT.number)
    fields = missing(empty)
    assert fields[:7] == [
        "tender_name",
        "content",
        "scope",
        "scale",
        "funding_source",
        "qualifications",
        "consortium_allowed",
    ]
    assert fields[-2:] == ["platform_url", "platform_usage"]
    assert set(fields) >= set(ITEMS)
    assert len(fields) == len(ITEMS) + 8  # four contact details each for the tenderer and the agency


def test_the_notice_is_this_tenders_and_of_the_kind_it_needs() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate(replace(COMPLETE, tender_number="2411-130202-89-01-637015-009"))
    assert caught.value.field == "notice.tender_number"
    with pytest.raises(ValidationFailed) as caught:
        validate(COMPLETE, kind=NoticeKind.PREQUAL_NOTICE)
    assert caught.value.field == "notice.kind"


def test_the_notice_kind_follows_the_tender() -> None:
    assert tender().notice_kind is NoticeKind.TENDER_NOTICE
    assert tender(prequalification=True).notice_kind is NoticeKind.PREQUAL_NOTICE
    invited = tender(method="invited", invitees=("A", "B", "C"), mandatory=False)
    assert invited.notice_kind is NoticeKind.INVITATION
    assert notice_for(invited).kind is NoticeKind.INVITATION
    assert isinstance(COMPLETE.tenderer, Contact) and COMPLETE.submission_deadline == DEADLINE
