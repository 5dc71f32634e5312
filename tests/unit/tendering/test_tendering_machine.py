"""The procedure table: every row fires from its state to its target with a valid event; every pair not in the
table is a Conflict naming the state and the event; and the flows the rows make up (publication, prequalification
and its failure, suspension and resumption, re-tender, the rules of the publication day)."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime

import pytest
from tendering_world import (
    APPLICATIONS_DUE,
    DEADLINE,
    ISSUE_AT,
    NOTICE_AT,
    ONE_DAY,
    ONE_MINUTE,
    POST_PREQUAL_ISSUE,
    POST_PREQUAL_SALE_ENDS,
    RULES,
    SALE_ENDS,
    at,
    book,
    issue,
    notice_for,
    publish,
    reach,
    start_prequal,
    tender,
)

from zhaocai.core.errors import Conflict, DomainError, ValidationFailed
from zhaocai.rules import RulesTable
from zhaocai.tendering.model import (
    PREVIOUS,
    PROCEDURE,
    TERMINAL,
    Event,
    EventKind,
    ProcedureTable,
    State,
    TenderProject,
    Transition,
    accepts_applications,
    accepts_bids,
    add_lot,
    as_rows,
    fire,
    sells_documents,
    successor_tender,
    table_text,
)
from zhaocai.tendering.model.tender import PROCEDURE_FIELDS

PREQUAL_SOURCES = {State.PREQUALIFICATION, State.PREQUALIFICATION_RESULT}


def _later(tender: TenderProject) -> datetime:
    assert tender.last_event_at is not None
    return tender.last_event_at + ONE_MINUTE


def setup_for(row: Transition) -> TenderProject:
    """A tender in the row's state, prepared so that a valid event of the row can fire."""
    prequal = row.source in PREQUAL_SOURCES or row.event is EventKind.START_PREQUALIFICATION
    if row.source is State.SUSPENDED and row.event is EventKind.LIFT_DIRECTIVE:
        issued = reach(State.DOCUMENTS_ISSUED)
        return fire(issued, Event(EventKind.SUSPEND_BY_DIRECTIVE, at(2025, 3, 12, 9), reason="责令暂停 〔2025〕1号"))
    if row.source is State.SUSPENDED and row.event is EventKind.RESUME:
        suspended = reach(State.SUSPENDED)
        return fire(suspended, Event(EventKind.ANSWER_OBJECTION, at(2025, 3, 13, 9), objection_id="OBJ-1"))
    if row.source is State.CANCELLED and row.event in (EventKind.ANSWER_OBJECTION, EventKind.OBJECTION_ANSWER_DUE):
        suspended = reach(State.SUSPENDED)
        return fire(suspended, Event(EventKind.CANCEL, at(2025, 3, 13, 9), reason="项目取消"))
    return reach(row.source, prequalification=prequal)


def valid_event(tender: TenderProject, kind: EventKind) -> Event:
    later = _later(tender) if tender.last_event_at else NOTICE_AT
    schedule = tender.schedule
    pending = tender.pending_objections()
    match kind:
        case EventKind.PUBLISH_NOTICE:
            return Event(kind, NOTICE_AT, notice=notice_for(tender))
        case EventKind.START_PREQUALIFICATION:
            return Event(kind, ISSUE_AT, sale_ends_at=at(2025, 3, 15), deadline=APPLICATIONS_DUE)
        case EventKind.ISSUE_DOCUMENTS if tender.state is State.PREQUALIFICATION_RESULT:
            return Event(kind, POST_PREQUAL_ISSUE, sale_ends_at=POST_PREQUAL_SALE_ENDS, deadline=at(2025, 4, 15, 9))
        case EventKind.ISSUE_DOCUMENTS:
            return Event(kind, ISSUE_AT, sale_ends_at=SALE_ENDS, deadline=DEADLINE)
        case EventKind.PUBLISH_PREQUAL_RESULT:
            return Event(kind, APPLICATIONS_DUE, passed_applicants=3)
        case EventKind.DECLARE_FAILED if tender.state is State.PREQUALIFICATION:
            return Event(kind, APPLICATIONS_DUE, passed_applicants=2)
        case EventKind.DECLARE_FAILED:
            return Event(kind, later, bidders=2)
        case EventKind.SALE_PERIOD_ENDED:
            return Event(kind, max(schedule.sale_ends_at, later))
        case EventKind.DEADLINE_REACHED:
            return Event(kind, max(schedule.bid_deadline, later))
        case EventKind.AMEND_DOCUMENTS:
            return Event(kind, later, affects_bids=False)
        case EventKind.RAISE_OBJECTION:
            return Event(kind, later, objection_id=f"OBJ-{len(tender.objections) + 1}")
        case EventKind.ANSWER_OBJECTION:
            return Event(kind, later, objection_id=pending[0].id)
        case EventKind.OBJECTION_ANSWER_DUE:
            return Event(kind, max(pending[0].answer_due_at, later), objection_id=pending[0].id)
        case EventKind.SUSPEND_BY_DIRECTIVE:
            return Event(kind, later, reason="责令暂停 〔2025〕2号")
        case EventKind.CANCEL:
            return Event(kind, later, reason="项目取消")
        case EventKind.RE_TENDER:
            return Event(kind, later, successor_id="T2")
        case _:
            return Event(kind, later)


def _row_id(row: Transition) -> str:
    return f"{row.source}-{row.event}"


@pytest.mark.parametrize("row", PROCEDURE.rows, ids=_row_id)
def test_every_row_fires_with_a_valid_event(row: Transition) -> None:
    before = setup_for(row)
    assert before.state is row.source
    after = fire(before, valid_event(before, row.event))
    expected = before.suspension.resume_to if row.target is PREVIOUS else row.target
    assert after.state is expected
    assert (after.suspension is not None) == (after.state is State.SUSPENDED)
    assert before.state is row.source  # the tender passed in is unchanged


ILLEGAL = [
    (state, kind)
    for state in State
    for kind in EventKind
    if (state, kind) not in {(row.source, row.event) for row in PROCEDURE.rows}
]


@pytest.mark.parametrize(("state", "kind"), ILLEGAL, ids=[f"{s}-{k}" for s, k in ILLEGAL])
def test_every_other_pair_is_refused_naming_state_and_event(state: State, kind: EventKind) -> None:
    before = reach(state, prequalification=state in PREQUAL_SOURCES)
    when = _later(before) if before.last_event_at else NOTICE_AT
    with pytest.raises(Conflict) as caught:
        fire(before, Event(kind, when))  # the pair is looked up before any guard reads the event
    error = caught.value
    assert error.code == "illegal_transition"
    assert error.detail == {"state": str(state), "event": str(kind)}
    assert str(state) in error.message and str(kind) in error.message


def test_the_table_covers_every_state_and_event_and_ends_only_in_terminal_states() -> None:
    assert PROCEDURE.states() == set(State)
    assert {row.event for row in PROCEDURE.rows} == set(EventKind)
    for state in State:
        assert bool(PROCEDURE.events_from(state)) == (state is not State.RE_TENDERED)
    assert {State.CANCELLED, State.RE_TENDERED} == TERMINAL
    # cancelled keeps only the tracking of unanswered objections
    assert set(PROCEDURE.events_from(State.CANCELLED)) == {EventKind.ANSWER_OBJECTION, EventKind.OBJECTION_ANSWER_DUE}


def test_the_printed_table_lists_every_row() -> None:
    rows = as_rows()
    assert len(rows) == len(PROCEDURE.rows) == len({(state, event) for state, event, _, _ in rows})
    assert ("suspended", "resume", "(state it left)", "nothing_pending, deadline_still_ahead") in rows
    assert ("draft", "publish_notice", "notice_published", "tender_complete, notice_complete") in rows
    text = table_text()
    assert text.splitlines()[0].split() == ["state", "event", "next", "state", "guards"]
    assert len(text.splitlines()) == len(rows) + 1


def test_a_table_refuses_two_rows_for_one_pair_and_can_be_extended() -> None:
    row = PROCEDURE.rows[0]
    with pytest.raises(ValueError, match="two rows"):
        PROCEDURE.extended([row])
    extra = Transition(State.DEADLINE_PASSED, EventKind.RESUME, State.DEADLINE_PASSED)
    longer = PROCEDURE.extended([extra])
    assert isinstance(longer, ProcedureTable)
    assert len(longer.rows) == len(PROCEDURE.rows) + 1
    assert PROCEDURE.find(State.DRAFT, EventKind.PUBLISH_NOTICE) is longer.find(State.DRAFT, EventKind.PUBLISH_NOTICE)


# --- flows ------------------------------------------------------------------------------------------------------


def test_the_ordinary_path_to_the_deadline() -> None:
    draft = tender()
    published = publish(draft)
    assert published.rules_date == date(2025, 3, 3)
    assert published.notice is not None
    issued = issue(published)
    assert sells_documents(issued) and accepts_bids(issued, ISSUE_AT + ONE_MINUTE)
    bidding = fire(issued, Event(EventKind.SALE_PERIOD_ENDED, SALE_ENDS))
    assert not sells_documents(bidding)
    assert accepts_bids(bidding, DEADLINE - ONE_MINUTE / 60_000)
    assert not accepts_bids(bidding, DEADLINE)
    passed = fire(bidding, Event(EventKind.DEADLINE_REACHED, DEADLINE))
    assert passed.state is State.DEADLINE_PASSED
    assert not accepts_bids(passed, DEADLINE - ONE_MINUTE)


def test_time_events_do_not_fire_early() -> None:
    issued = reach(State.DOCUMENTS_ISSUED)
    with pytest.raises(Conflict, match="end of the sale period"):
        fire(issued, Event(EventKind.SALE_PERIOD_ENDED, SALE_ENDS - ONE_MINUTE))
    bidding = reach(State.BIDDING_OPEN)
    with pytest.raises(Conflict, match="bid deadline"):
        fire(bidding, Event(EventKind.DEADLINE_REACHED, DEADLINE - ONE_MINUTE))


def test_events_must_come_in_time_order() -> None:
    issued = reach(State.DOCUMENTS_ISSUED)
    with pytest.raises(Conflict) as caught:
        fire(issued, Event(EventKind.CANCEL, ISSUE_AT - ONE_MINUTE, reason="x"))
    assert caught.value.code == "out_of_order"


def test_publishing_needs_a_complete_notice_of_the_right_kind() -> None:
    draft = tender()
    with pytest.raises(ValidationFailed) as caught:
        fire(draft, Event(EventKind.PUBLISH_NOTICE, NOTICE_AT))
    assert caught.value.field == "notice"
    incomplete = replace(notice_for(draft), platform_url="")
    with pytest.raises(ValidationFailed) as caught:
        fire(draft, Event(EventKind.PUBLISH_NOTICE, NOTICE_AT, notice=incomplete))
    assert caught.value.citation == "10号令5"
    assert caught.value.detail["missing"] == ["platform_url"]


def test_prequalification_tenders_issue_documents_only_after_the_result() -> None:
    published = publish(tender(prequalification=True))
    with pytest.raises(Conflict, match="after prequalification"):
        issue(published)
    with pytest.raises(Conflict, match="no prequalification"):
        start_prequal(publish(tender()))
    running = start_prequal(published)
    assert accepts_applications(running, APPLICATIONS_DUE - ONE_MINUTE)
    assert not accepts_applications(running, APPLICATIONS_DUE)
    with pytest.raises(Conflict, match="applications are due"):
        fire(running, Event(EventKind.PUBLISH_PREQUAL_RESULT, APPLICATIONS_DUE - ONE_MINUTE, passed_applicants=5))


def test_fewer_than_three_passed_applicants_fail_the_tender_and_it_is_run_again() -> None:
    running = reach(State.PREQUALIFICATION)
    with pytest.raises(ValidationFailed) as caught:
        fire(running, Event(EventKind.PUBLISH_PREQUAL_RESULT, APPLICATIONS_DUE, passed_applicants=2))
    assert caught.value.citation == "条例19"
    assert caught.value.field == "passed_applicants"
    with pytest.raises(Conflict) as refused:
        fire(running, Event(EventKind.DECLARE_FAILED, APPLICATIONS_DUE, passed_applicants=3))
    assert refused.value.citation == "条例19"

    failed = fire(running, Event(EventKind.DECLARE_FAILED, APPLICATIONS_DUE, passed_applicants=2))
    assert failed.state is State.FAILED
    assert failed.end_reason == "2 applicants passed prequalification (条例19)"
    assert failed.passed_applicants == 2

    with pytest.raises(ValidationFailed, match="successor"):
        fire(failed, Event(EventKind.RE_TENDER, APPLICATIONS_DUE + ONE_DAY))
    done = fire(failed, Event(EventKind.RE_TENDER, APPLICATIONS_DUE + ONE_DAY, successor_id="T2"))
    assert done.state is State.RE_TENDERED and done.successor_id == "T2"

    successor = successor_tender(done, id="T2", seq=2)
    assert successor.state is State.DRAFT
    assert successor.number == "2411-130202-89-01-637015-002"
    assert [lot.number for lot in successor.lots] == ["2411-130202-89-01-637015-002-001"]
    assert successor.predecessor_id == "T1" and successor.successor_id is None
    assert successor.rules_date is None and successor.schedule.bid_deadline is None and successor.objections == ()
    renumbered = {"id", "seq", "number", "lots"}
    for field in fields(done):
        if field.name not in PROCEDURE_FIELDS | renumbered:
            assert getattr(successor, field.name) == getattr(done, field.name), field.name


def test_fewer_than_three_bidders_fail_the_tender_at_the_deadline() -> None:
    passed = reach(State.DEADLINE_PASSED)
    with pytest.raises(Conflict) as refused:
        fire(passed, Event(EventKind.DECLARE_FAILED, DEADLINE + ONE_MINUTE, bidders=3))
    assert refused.value.citation == "条例44"
    failed = fire(passed, Event(EventKind.DECLARE_FAILED, DEADLINE + ONE_MINUTE, bidders=0))
    assert failed.end_reason == "0 bidders (条例44)"


def test_an_objection_suspends_and_resuming_returns_to_the_state_it_left() -> None:
    bidding = reach(State.BIDDING_OPEN)
    raised_at = at(2025, 3, 12, 9)
    suspended = fire(bidding, Event(EventKind.RAISE_OBJECTION, raised_at, objection_id="OBJ-1"))
    assert suspended.state is State.SUSPENDED
    assert suspended.suspension is not None and suspended.suspension.resume_to is State.BIDDING_OPEN
    assert not accepts_bids(suspended, raised_at + ONE_MINUTE)
    (objection,) = suspended.objections
    assert objection.answer_due_at == at(2025, 3, 18)  # 3 days 03-13..03-15, 03-15 a Saturday -> 03-17

    with pytest.raises(Conflict) as caught:
        fire(suspended, Event(EventKind.RESUME, raised_at + ONE_MINUTE))
    assert caught.value.citation == "条例22" and "OBJ-1" in caught.value.message

    answered = fire(suspended, Event(EventKind.ANSWER_OBJECTION, at(2025, 3, 13, 9), objection_id="OBJ-1"))
    with pytest.raises(Conflict, match="no pending objection"):
        fire(answered, Event(EventKind.ANSWER_OBJECTION, at(2025, 3, 13, 10), objection_id="OBJ-1"))
    resumed = fire(answered, Event(EventKind.RESUME, at(2025, 3, 13, 10)))
    assert resumed.state is State.BIDDING_OPEN and resumed.suspension is None
    assert resumed.objections[0].answered_at == at(2025, 3, 13, 9) and not resumed.objections[0].overdue


def test_a_directive_suspends_until_lifted() -> None:
    prequal = reach(State.PREQUALIFICATION)
    directed = fire(prequal, Event(EventKind.SUSPEND_BY_DIRECTIVE, at(2025, 3, 5, 9), reason="责令暂停"))
    assert directed.suspension is not None and directed.suspension.directive
    with pytest.raises(ValidationFailed):
        fire(prequal, Event(EventKind.SUSPEND_BY_DIRECTIVE, at(2025, 3, 5, 9)))
    with pytest.raises(Conflict) as caught:
        fire(directed, Event(EventKind.RESUME, at(2025, 3, 6, 9)))
    assert caught.value.citation == "条例62"
    # an objection while suspended keeps the state it left
    objected = fire(directed, Event(EventKind.RAISE_OBJECTION, at(2025, 3, 6, 9), objection_id="OBJ-9"))
    assert objected.suspension is not None and objected.suspension.resume_to is State.PREQUALIFICATION
    assert objected.objections[0].stage == "prequalification"
    lifted = fire(objected, Event(EventKind.LIFT_DIRECTIVE, at(2025, 3, 7, 9)))
    with pytest.raises(Conflict, match="no supervisory directive"):
        fire(lifted, Event(EventKind.LIFT_DIRECTIVE, at(2025, 3, 7, 10)))
    answered = fire(lifted, Event(EventKind.ANSWER_OBJECTION, at(2025, 3, 7, 10), objection_id="OBJ-9"))
    assert fire(answered, Event(EventKind.RESUME, at(2025, 3, 7, 11))).state is State.PREQUALIFICATION


def test_a_tender_suspended_past_its_deadline_resumes_only_after_the_deadline_moves() -> None:
    directed = fire(reach(State.BIDDING_OPEN), Event(EventKind.SUSPEND_BY_DIRECTIVE, at(2025, 3, 12, 9), reason="x"))
    lifted = fire(directed, Event(EventKind.LIFT_DIRECTIVE, at(2025, 3, 26, 9)))
    with pytest.raises(Conflict, match="passed while suspended"):
        fire(lifted, Event(EventKind.RESUME, at(2025, 3, 26, 10)))
    # the deadline has passed, so the documents cannot change either
    with pytest.raises(Conflict) as caught:
        fire(lifted, Event(EventKind.AMEND_DOCUMENTS, at(2025, 3, 26, 10), deadline=at(2025, 4, 20, 9)))
    assert caught.value.code == "deadline_passed"


def test_suspended_before_the_deadline_moves_it_then_resumes() -> None:
    directed = fire(reach(State.BIDDING_OPEN), Event(EventKind.SUSPEND_BY_DIRECTIVE, at(2025, 3, 12, 9), reason="x"))
    moved = fire(
        directed,
        Event(EventKind.AMEND_DOCUMENTS, at(2025, 3, 20, 9), deadline=at(2025, 4, 10, 9), affects_bids=False),
    )
    assert moved.schedule.bid_deadline == at(2025, 4, 10, 9)
    lifted = fire(moved, Event(EventKind.LIFT_DIRECTIVE, at(2025, 3, 26, 9)))
    assert fire(lifted, Event(EventKind.RESUME, at(2025, 3, 26, 10))).state is State.BIDDING_OPEN


def test_lots_are_fixed_once_the_notice_is_out() -> None:
    with pytest.raises(Conflict, match="draft"):
        add_lot(publish(tender()), seq=2, name="第2标段", estimate="1000000", bond_amount="20000", book=book())


def _with_longer_bid_period(days: int, from_day: date) -> RulesTable:
    """The packaged table with a (made-up) change of bid_deadline_min_days taking force on `from_day`."""
    rows = [rule for rule in RULES.all() if rule.key != "bid_deadline_min_days"]
    (current,) = RULES.history("bid_deadline_min_days")
    old = replace(current, effective_to=from_day - ONE_DAY)
    new = replace(current, value=days, effective_from=from_day, citation="法24(新)")
    return RulesTable([*rows, old, new], source="test")


def test_a_tender_is_governed_by_the_rules_of_the_day_its_notice_was_published() -> None:
    changed = _with_longer_bid_period(25, date(2025, 3, 4))
    # published 03-03, before the change: the old 20 days govern even though the documents go out on 03-04
    published = fire(tender(), Event(EventKind.PUBLISH_NOTICE, NOTICE_AT, notice=notice_for(tender())), rules=changed)
    event = Event(EventKind.ISSUE_DOCUMENTS, ISSUE_AT, sale_ends_at=SALE_ENDS, deadline=at(2025, 3, 25))
    assert fire(published, event, rules=changed).schedule.bid_deadline == at(2025, 3, 25)
    # published on 03-04, after it: 25 days (03-05..03-29, a Saturday -> 03-31), so 03-25 is refused
    later = fire(tender(), Event(EventKind.PUBLISH_NOTICE, ISSUE_AT, notice=notice_for(tender())), rules=changed)
    with pytest.raises(ValidationFailed) as caught:
        fire(
            later,
            Event(EventKind.ISSUE_DOCUMENTS, ISSUE_AT + ONE_MINUTE, sale_ends_at=SALE_ENDS, deadline=at(2025, 3, 25)),
            rules=changed,
        )
    assert caught.value.citation == "法24(新)"
    assert caught.value.detail["limit"] == at(2025, 4, 1).isoformat()


def test_refusals_leave_the_tender_as_it_was() -> None:
    issued = reach(State.DOCUMENTS_ISSUED)
    copy = replace(issued)
    for event in (
        Event(EventKind.RAISE_OBJECTION, at(2025, 3, 20, 9), objection_id="late"),
        Event(EventKind.AMEND_DOCUMENTS, at(2025, 3, 20, 9)),
        Event(EventKind.RESUME, at(2025, 3, 20, 9)),
    ):
        with pytest.raises(DomainError):
            fire(issued, event)
    assert issued == copy
