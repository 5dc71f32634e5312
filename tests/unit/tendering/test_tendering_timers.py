"""Time events from stored times: next_check tells the scheduler when to look, due_events / apply_due what falls
due by then, in order, and applying them is idempotent."""

from __future__ import annotations

from tendering_world import DEADLINE, ONE_MINUTE, SALE_ENDS, at, reach

from zhaocai.tendering.model import (
    Event,
    EventKind,
    State,
    apply_due,
    due_events,
    fire,
    next_check,
)


def test_nothing_is_scheduled_before_the_documents_are_out_or_after_the_deadline() -> None:
    for state in (State.DRAFT, State.NOTICE_PUBLISHED, State.DEADLINE_PASSED, State.FAILED, State.RE_TENDERED):
        tender = reach(state)
        assert next_check(tender, at(2025, 3, 5)) is None
        assert due_events(tender, at(2026, 1, 1)) == []


def test_the_sale_end_then_the_deadline() -> None:
    issued = reach(State.DOCUMENTS_ISSUED)
    assert next_check(issued, at(2025, 3, 5)) == SALE_ENDS
    assert due_events(issued, SALE_ENDS - ONE_MINUTE) == []
    assert next_check(issued, SALE_ENDS + ONE_MINUTE) == SALE_ENDS + ONE_MINUTE  # due already: look now

    assert due_events(issued, SALE_ENDS) == [Event(EventKind.SALE_PERIOD_ENDED, SALE_ENDS)]
    late = at(2025, 3, 26)
    assert due_events(issued, late) == [
        Event(EventKind.SALE_PERIOD_ENDED, SALE_ENDS),
        Event(EventKind.DEADLINE_REACHED, DEADLINE),
    ]
    passed, applied = apply_due(issued, late)
    assert passed.state is State.DEADLINE_PASSED and len(applied) == 2
    assert apply_due(passed, late) == (passed, [])  # idempotent

    bidding, _ = apply_due(issued, SALE_ENDS)
    assert bidding.state is State.BIDDING_OPEN
    assert next_check(bidding, SALE_ENDS) == DEADLINE


def test_an_objection_answer_falls_due_and_is_marked_overdue_once() -> None:
    suspended = reach(State.SUSPENDED)  # objection OBJ-1 raised 03-12 09:00, answer overdue from 03-18 00:00
    due = at(2025, 3, 18)
    assert next_check(suspended, at(2025, 3, 12, 10)) == due
    assert due_events(suspended, due - ONE_MINUTE) == []
    marked, applied = apply_due(suspended, due)
    assert applied == [Event(EventKind.OBJECTION_ANSWER_DUE, due, objection_id="OBJ-1")]
    assert marked.objections[0].overdue and marked.state is State.SUSPENDED
    assert next_check(marked, due) is None
    assert due_events(marked, at(2025, 4, 1)) == []
    # answered late: still recorded as late
    answered = fire(marked, Event(EventKind.ANSWER_OBJECTION, at(2025, 3, 19), objection_id="OBJ-1"))
    assert answered.objections[0].overdue and answered.objections[0].answered_at == at(2025, 3, 19)


def test_an_objection_answer_is_tracked_after_cancellation() -> None:
    cancelled = fire(reach(State.SUSPENDED), Event(EventKind.CANCEL, at(2025, 3, 13), reason="项目取消"))
    assert cancelled.state is State.CANCELLED
    assert next_check(cancelled, at(2025, 3, 13)) == at(2025, 3, 18)
    marked, _ = apply_due(cancelled, at(2025, 3, 20))
    assert marked.objections[0].overdue and marked.state is State.CANCELLED


def test_a_sale_end_that_passed_during_a_suspension_happens_on_resumption() -> None:
    issued = reach(State.DOCUMENTS_ISSUED)
    suspended = fire(issued, Event(EventKind.RAISE_OBJECTION, at(2025, 3, 5, 9), objection_id="OBJ-1"))
    assert due_events(suspended, at(2025, 3, 7)) == []  # the sale end is not due while suspended
    answered = fire(suspended, Event(EventKind.ANSWER_OBJECTION, at(2025, 3, 7), objection_id="OBJ-1"))
    resumed = fire(answered, Event(EventKind.RESUME, at(2025, 3, 12, 9)))
    assert resumed.state is State.DOCUMENTS_ISSUED
    assert due_events(resumed, at(2025, 3, 12, 9)) == [Event(EventKind.SALE_PERIOD_ENDED, at(2025, 3, 12, 9))]
    bidding, _ = apply_due(resumed, at(2025, 3, 12, 9))
    assert bidding.state is State.BIDDING_OPEN
    assert bidding.last_event_at == at(2025, 3, 12, 9)
