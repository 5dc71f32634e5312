"""Each timing guard bites: the exact minimum is accepted, one day short is refused naming the field and citing the
rule. Limits worked out by hand (see tendering_world.py for the timeline)."""

from __future__ import annotations

from datetime import datetime

import pytest
from tendering_world import (
    APPLICATIONS_DUE,
    DEADLINE,
    EARLIEST_DEADLINE,
    ISSUE_AT,
    ONE_DAY,
    ONE_MINUTE,
    PREQUAL_SALE_ENDS,
    SALE_ENDS,
    at,
    book,
    publish,
    reach,
    tender,
)

from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.tendering.model import (
    Event,
    EventKind,
    Stage,
    State,
    TenderProject,
    check_amendment,
    check_applications_due,
    check_bid_deadline,
    check_objection_in_time,
    check_sale_period,
    earliest_new_deadline,
    fire,
    objection_answer_due,
)


def refused(citation: str, field: str, call: object) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        call()  # type: ignore[operator]
    error = caught.value
    assert error.citation == citation
    assert error.field == field
    assert f"({citation})" in error.message
    return error


def issue_event(sale_ends_at: datetime, deadline: datetime) -> Event:
    return Event(EventKind.ISSUE_DOCUMENTS, ISSUE_AT, sale_ends_at=sale_ends_at, deadline=deadline)


# --- 条例16: the sale period -------------------------------------------------------------------------------------


def test_documents_are_on_sale_at_least_five_days() -> None:
    published = publish(tender())
    assert fire(published, issue_event(SALE_ENDS, DEADLINE)).schedule.sale_ends_at == SALE_ENDS
    error = refused("条例16", "sale_ends_at", lambda: fire(published, issue_event(SALE_ENDS - ONE_DAY, DEADLINE)))
    assert error.detail["limit"] == SALE_ENDS.isoformat()
    refused("条例16", "sale_ends_at", lambda: check_sale_period(ISSUE_AT, SALE_ENDS - ONE_MINUTE, book()))


# --- 法24: documents issued -> bid deadline -----------------------------------------------------------------------


def test_the_bid_deadline_leaves_twenty_days_after_the_documents_are_issued() -> None:
    published = publish(tender())
    assert fire(published, issue_event(SALE_ENDS, EARLIEST_DEADLINE)).schedule.bid_deadline == EARLIEST_DEADLINE
    short = issue_event(SALE_ENDS, EARLIEST_DEADLINE - ONE_DAY)
    error = refused("法24", "bid_deadline", lambda: fire(published, short))
    assert error.detail == {
        "rule": "bid_deadline_min_days",
        "limit": EARLIEST_DEADLINE.isoformat(),
        "got": (EARLIEST_DEADLINE - ONE_DAY).isoformat(),
    }


def test_twenty_days_bind_only_tenders_that_must_be_tendered() -> None:
    voluntary = publish(tender(mandatory=False))
    short = at(2025, 3, 12, 9)
    assert fire(voluntary, issue_event(SALE_ENDS, short)).schedule.bid_deadline == short
    check_bid_deadline(ISSUE_AT, SALE_ENDS, short, book(mandatory=False))
    # the sale may not outlast the deadline, mandatory or not
    with pytest.raises(ValidationFailed) as caught:
        fire(voluntary, issue_event(SALE_ENDS, SALE_ENDS - ONE_MINUTE))
    assert caught.value.field == "bid_deadline"


# --- 条例17: prequalification applications -----------------------------------------------------------------------


def test_applications_are_due_five_days_after_the_prequalification_sale_ends() -> None:
    # the sale ends at 24:00 on Friday 03-14 (written 03-15 00:00): 5 days 03-15..03-19, due from 03-20 00:00
    check_applications_due(PREQUAL_SALE_ENDS, APPLICATIONS_DUE, book())
    error = refused(
        "条例17",
        "applications_due",
        lambda: check_applications_due(PREQUAL_SALE_ENDS, APPLICATIONS_DUE - ONE_DAY, book()),
    )
    assert error.detail["limit"] == APPLICATIONS_DUE.isoformat()
    published = publish(tender(prequalification=True))
    short = Event(
        EventKind.START_PREQUALIFICATION, ISSUE_AT, sale_ends_at=PREQUAL_SALE_ENDS, deadline=APPLICATIONS_DUE - ONE_DAY
    )
    refused("条例17", "applications_due", lambda: fire(published, short))
    # a sale ending mid-day starts the count the next day
    check_applications_due(at(2025, 3, 14, 17), APPLICATIONS_DUE, book())
    refused("条例17", "applications_due", lambda: check_applications_due(at(2025, 3, 15, 17), APPLICATIONS_DUE, book()))


def test_five_days_for_applications_bind_only_tenders_that_must_be_tendered() -> None:
    check_applications_due(PREQUAL_SALE_ENDS, PREQUAL_SALE_ENDS + ONE_DAY, book(mandatory=False))


# --- 条例21: clarifications and amendments ------------------------------------------------------------------------


def test_a_late_clarification_that_affects_bids_must_move_the_deadline() -> None:
    tender_book = book()
    # 15 days 03-10..03-24 must lie between the act and the deadline 03-25 09:00
    assert earliest_new_deadline(at(2025, 3, 9, 23, 59), DEADLINE, Stage.TENDER, tender_book) is None
    assert earliest_new_deadline(at(2025, 3, 10), DEADLINE, Stage.TENDER, tender_book) == at(2025, 3, 26)
    late = at(2025, 3, 10)
    assert check_amendment(late, DEADLINE, at(2025, 3, 26), Stage.TENDER, tender_book, affects_bids=True) == at(
        2025, 3, 26
    )
    error = refused(
        "条例21",
        "bid_deadline",
        lambda: check_amendment(late, DEADLINE, None, Stage.TENDER, tender_book, affects_bids=True),
    )
    assert "2025-03-26 00:00" in error.message
    assert error.detail["limit"] == at(2025, 3, 26).isoformat()
    refused(
        "条例21",
        "bid_deadline",
        lambda: check_amendment(late, DEADLINE, at(2025, 3, 25, 23, 59), Stage.TENDER, tender_book, affects_bids=True),
    )
    # a change that does not affect bids keeps the deadline; bringing the deadline forward always counts
    assert check_amendment(late, DEADLINE, None, Stage.TENDER, tender_book, affects_bids=False) == DEADLINE
    refused(
        "条例21",
        "bid_deadline",
        lambda: check_amendment(late, DEADLINE, DEADLINE - ONE_MINUTE, Stage.TENDER, tender_book, affects_bids=False),
    )


def test_amending_through_the_procedure_moves_the_deadline() -> None:
    issued = reach(State.DOCUMENTS_ISSUED)
    late = at(2025, 3, 10, 9)
    refused("条例21", "bid_deadline", lambda: fire(issued, Event(EventKind.AMEND_DOCUMENTS, late)))
    moved = fire(issued, Event(EventKind.AMEND_DOCUMENTS, late, deadline=at(2025, 3, 26)))
    assert moved.schedule.bid_deadline == at(2025, 3, 26)
    assert moved.state is State.DOCUMENTS_ISSUED
    early = fire(issued, Event(EventKind.AMEND_DOCUMENTS, at(2025, 3, 9, 9)))
    assert early.schedule.bid_deadline == DEADLINE


def test_a_moved_deadline_still_leaves_twenty_days_from_the_documents() -> None:
    issued = fire(publish(tender()), issue_event(SALE_ENDS, at(2025, 4, 20, 9)))
    # bringing the deadline forward to before 03-25 00:00 breaks 法24 even though 条例21's 15 days are left
    early = Event(EventKind.AMEND_DOCUMENTS, at(2025, 3, 5, 9), deadline=EARLIEST_DEADLINE - ONE_MINUTE)
    refused("法24", "bid_deadline", lambda: fire(issued, early))


def test_a_late_clarification_of_prequalification_documents_moves_the_due_time() -> None:
    prequal = Stage.PREQUALIFICATION
    # 3 days 03-17..03-19 before applications are due 03-20 00:00
    assert earliest_new_deadline(at(2025, 3, 16, 23, 59), APPLICATIONS_DUE, prequal, book()) is None
    assert earliest_new_deadline(at(2025, 3, 17), APPLICATIONS_DUE, prequal, book()) == at(2025, 3, 21)
    running = reach(State.PREQUALIFICATION)
    refused("条例21", "applications_due", lambda: fire(running, Event(EventKind.AMEND_DOCUMENTS, at(2025, 3, 17, 9))))
    moved = fire(running, Event(EventKind.AMEND_DOCUMENTS, at(2025, 3, 17, 9), deadline=at(2025, 3, 21)))
    assert moved.schedule.applications_due == at(2025, 3, 21)
    assert moved.schedule.bid_deadline is None


def test_after_the_deadline_neither_documents_nor_deadline_change() -> None:
    with pytest.raises(Conflict) as caught:
        earliest_new_deadline(DEADLINE, DEADLINE, Stage.TENDER, book())
    assert caught.value.code == "deadline_passed"
    assert caught.value.citation == "条例21"
    with pytest.raises(Conflict) as caught:
        check_amendment(DEADLINE, DEADLINE, at(2025, 4, 30), Stage.TENDER, book(), affects_bids=False)
    assert caught.value.field == "bid_deadline"
    passed = reach(State.DEADLINE_PASSED)
    with pytest.raises(Conflict) as caught:
        fire(passed, Event(EventKind.AMEND_DOCUMENTS, DEADLINE + ONE_MINUTE, deadline=at(2025, 4, 30)))
    assert caught.value.code == "illegal_transition"


# --- 条例22: objections to the documents --------------------------------------------------------------------------


def objection(tender_: TenderProject, when: datetime, objection_id: str = "OBJ-1") -> TenderProject:
    return fire(tender_, Event(EventKind.RAISE_OBJECTION, when, objection_id=objection_id))


def test_an_objection_to_the_tender_documents_comes_ten_days_before_the_deadline() -> None:
    issued = reach(State.DOCUMENTS_ISSUED)
    assert objection(issued, at(2025, 3, 14, 23, 59)).state is State.SUSPENDED
    error = refused("条例22", "raised_at", lambda: objection(issued, at(2025, 3, 15)))
    assert error.detail["rule"] == "objection_tender_docs_min_days_before_deadline"
    check_objection_in_time(at(2025, 3, 14, 23, 59), DEADLINE, Stage.TENDER, book())


def test_an_objection_to_the_prequalification_documents_comes_two_days_before_they_are_due() -> None:
    running = reach(State.PREQUALIFICATION)
    # 2 days 03-18..03-19 before applications are due 03-20 00:00
    assert objection(running, at(2025, 3, 17, 23, 59)).state is State.SUSPENDED
    error = refused("条例22", "raised_at", lambda: objection(running, at(2025, 3, 18)))
    assert error.detail["rule"] == "objection_prequal_docs_min_days_before_deadline"


def test_no_objection_to_documents_that_are_not_out() -> None:
    published = publish(tender())
    with pytest.raises(Conflict):
        objection(published, at(2025, 3, 3, 10))
    directed = fire(published, Event(EventKind.SUSPEND_BY_DIRECTIVE, at(2025, 3, 3, 10), reason="x"))
    with pytest.raises(Conflict, match="no documents are out"):
        objection(directed, at(2025, 3, 3, 11))


def test_an_objection_is_answered_within_three_days() -> None:
    # 3 days 03-06..03-08, 03-08 a Saturday -> Monday 03-10: overdue from 03-11 00:00
    assert objection_answer_due(at(2025, 3, 5, 9), book()) == at(2025, 3, 11)
    suspended = objection(reach(State.DOCUMENTS_ISSUED), at(2025, 3, 5, 9))
    assert suspended.objections[0].answer_due_at == at(2025, 3, 11)
    with pytest.raises(Conflict, match="already recorded"):
        objection(suspended, at(2025, 3, 5, 10))
