"""Random event sequences against the procedure, as a service would apply them (due time events first, then the
command): the machine never reaches a state outside the table, a refusal never changes the tender, the scheduler's
time events never fail, and a suspension always resumes to the state it left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tendering_world import at, notice_for, tender

from zhaocai.core.errors import DomainError
from zhaocai.tendering.model import (
    PROCEDURE,
    TERMINAL,
    Event,
    EventKind,
    State,
    TenderProject,
    apply_due,
    fire,
    next_check,
)

START = at(2025, 3, 3, 8)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Step:
    kind: EventKind  # used when `follow` is off: any event, mostly illegal ones
    follow: bool  # pick one of the events the table allows in the present state instead
    pick: int  # which of them
    advance: timedelta
    variant: int  # picks a payload, some valid and some not


steps = st.builds(
    Step,
    kind=st.sampled_from(list(EventKind)),
    follow=st.sampled_from([True, True, True, False]),
    pick=st.integers(min_value=0, max_value=63),
    advance=st.sampled_from([DAY, timedelta(hours=5), 3 * DAY, timedelta(0), timedelta(minutes=1), 10 * DAY]),
    variant=st.integers(min_value=0, max_value=3),
)


def event_for(current: TenderProject, step: Step, now: datetime) -> Event:
    """The step's event with a payload chosen by `variant`: 0 (what hypothesis tries first) makes progress events
    valid and disruptive ones (cancel, directive, objection) invalid, 3 the reverse, so walks go deep and vary."""
    v = step.variant
    allowed = PROCEDURE.events_from(current.state)
    kind = allowed[step.pick % len(allowed)] if step.follow and allowed else step.kind
    pending = current.pending_objections()
    match kind:
        case EventKind.PUBLISH_NOTICE:
            return Event(kind, now, notice=notice_for(current) if v < 3 else None)
        case EventKind.START_PREQUALIFICATION:
            sale_ends = now + (8, 9, 10, 3)[v] * DAY
            return Event(kind, now, sale_ends_at=sale_ends, deadline=sale_ends + (8, 9, 10, 3)[v] * DAY)
        case EventKind.ISSUE_DOCUMENTS:
            return Event(
                kind, now, sale_ends_at=now + (8, 10, 12, 3)[v] * DAY, deadline=now + (21, 25, 30, 19)[v] * DAY
            )
        case EventKind.PUBLISH_PREQUAL_RESULT:
            return Event(kind, now, passed_applicants=(3, 4, 5, 2)[v])
        case EventKind.DECLARE_FAILED:
            count = (3, 2, 1, 0)[v]
            return Event(
                kind, now, passed_applicants=count if current.state is State.PREQUALIFICATION else None, bidders=count
            )
        case EventKind.AMEND_DOCUMENTS:
            return Event(kind, now, deadline=now + 16 * DAY if v == 2 else None, affects_bids=v != 1)
        case EventKind.RAISE_OBJECTION:
            return Event(kind, now, objection_id=f"O{len(current.objections)}" if v == 3 else None)
        case EventKind.ANSWER_OBJECTION | EventKind.OBJECTION_ANSWER_DUE:
            return Event(kind, now, objection_id=pending[0].id if pending and v < 3 else "unknown")
        case EventKind.SUSPEND_BY_DIRECTIVE | EventKind.CANCEL:
            return Event(kind, now, reason="理由" if v == 3 else "")
        case EventKind.RE_TENDER:
            return Event(kind, now, successor_id="T2" if v < 3 else None)
        case _:
            return Event(kind, now)


def check_invariants(tender_: TenderProject) -> None:
    assert tender_.state in PROCEDURE.states()
    assert (tender_.suspension is not None) == (tender_.state is State.SUSPENDED)
    if tender_.suspension is not None:
        assert tender_.suspension.resume_to not in TERMINAL | {State.SUSPENDED, State.DRAFT, State.FAILED}
    schedule = tender_.schedule
    if schedule.bid_deadline is not None:
        assert schedule.sale_ends_at is not None and schedule.sale_ends_at <= schedule.bid_deadline


class Run:
    def __init__(self, prequalification: bool) -> None:
        self.tender = tender(prequalification=prequalification)
        self.left: State | None = None  # the state the current suspension left
        self.seen: set[State] = {self.tender.state}

    def moved(self, before: TenderProject, after: TenderProject, event: Event) -> None:
        check_invariants(after)
        self.seen.add(after.state)
        if before.state is not State.SUSPENDED and after.state is State.SUSPENDED:
            self.left = before.state
            assert after.suspension is not None and after.suspension.resume_to is before.state
        if before.state is State.SUSPENDED and after.state is State.SUSPENDED:
            assert after.suspension is not None and after.suspension.resume_to is self.left
        if event.kind is EventKind.RESUME:
            assert before.state is State.SUSPENDED and after.state is self.left
        if after.state is not State.SUSPENDED:
            self.left = None
        assert before.state not in {State.RE_TENDERED}
        assert before.last_event_at is None or after.last_event_at >= before.last_event_at
        self.tender = after


def drive(prequalification: bool, sequence: list[Step]) -> Run:
    """Apply `sequence` as a service would, checking the invariants after every change."""
    run = Run(prequalification)
    now = START
    for step in sequence:
        now += step.advance
        before = run.tender
        after, applied = apply_due(before, now)  # the scheduler's handlers never fail
        for event in applied:
            stepped = fire(before, event)
            run.moved(before, stepped, event)
            before = stepped
        assert before == after
        checked = next_check(after, now)
        assert checked is None or checked >= now
        event = event_for(after, step, now)
        try:
            moved = fire(after, event)
        except DomainError:
            assert run.tender == after
            continue
        run.moved(after, moved, event)
    return run


@settings(max_examples=300, deadline=None)
@given(prequalification=st.booleans(), sequence=st.lists(steps, min_size=15, max_size=60))
def test_random_event_sequences_keep_the_procedure_well_formed(prequalification: bool, sequence: list[Step]) -> None:
    drive(prequalification, sequence)


def test_the_random_walk_reaches_every_state() -> None:
    """A positive control: the walks above reach every state, so the property is not vacuous."""
    reached: set[State] = set()

    @settings(max_examples=500, deadline=None, database=None, derandomize=True)
    @given(prequalification=st.booleans(), sequence=st.lists(steps, min_size=30, max_size=60))
    def walk(prequalification: bool, sequence: list[Step]) -> None:
        reached.update(drive(prequalification, sequence).seen)

    walk()
    assert reached == set(State)
