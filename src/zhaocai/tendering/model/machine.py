"""The tender procedure as a table: state × event → state, with named guards (DESIGN principle 2).

`fire(tender, event)` looks the pair up (an illegal pair is a Conflict naming both), runs the row's guards, records
the event's facts (effects.py) and moves the tender. `as_rows()` and `print_table()` show the table; docs/procedure.md
carries it (a test keeps the two equal).

Suspension (暂停) remembers the state it left and `resume` returns there. The table ends at the bid deadline: opening
onward adds its states and rows with `PROCEDURE.extended(...)`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TextIO

from zhaocai.core.errors import Conflict
from zhaocai.rules import RulesTable, WorkingDayCalendar, packaged_rules
from zhaocai.tendering.model import effects
from zhaocai.tendering.model import guards as g
from zhaocai.tendering.model.effects import Effect
from zhaocai.tendering.model.guards import Guard
from zhaocai.tendering.model.rulebook import book_for
from zhaocai.tendering.model.states import Event, EventKind, State
from zhaocai.tendering.model.tender import Suspension, TenderProject


class PreviousState:
    """The target of `resume`: the state the suspension left."""

    def __str__(self) -> str:
        return "(state it left)"

    def __repr__(self) -> str:
        return "PREVIOUS"


PREVIOUS = PreviousState()
Target = State | PreviousState


@dataclass(frozen=True)
class Transition:
    source: State
    event: EventKind
    target: Target
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None


class ProcedureTable:
    def __init__(self, rows: Iterable[Transition]) -> None:
        self._rows: dict[tuple[State, EventKind], Transition] = {}
        for row in rows:
            key = (row.source, row.event)
            if key in self._rows:
                raise ValueError(f"two rows for {row.source} × {row.event}")
            self._rows[key] = row

    @property
    def rows(self) -> tuple[Transition, ...]:
        """Every row, grouped by state in the order the states are declared, then by event."""
        states, events = list(State), list(EventKind)
        return tuple(sorted(self._rows.values(), key=lambda row: (states.index(row.source), events.index(row.event))))

    def find(self, state: State, event: EventKind) -> Transition:
        row = self._rows.get((state, event))
        if row is None:
            allowed = ", ".join(self.events_from(state)) or "none"
            raise Conflict(
                f"{event} is not allowed in state {state} (allowed: {allowed})",
                field="state",
                code="illegal_transition",
                detail={"state": str(state), "event": str(event)},
            )
        return row

    def events_from(self, state: State) -> list[EventKind]:
        return [row.event for row in self.rows if row.source is state]

    def states(self) -> set[State]:
        named = {row.source for row in self.rows}
        return named | {row.target for row in self.rows if isinstance(row.target, State)}

    def extended(self, rows: Iterable[Transition]) -> ProcedureTable:
        """This table with more rows (a later stage of the procedure); a pair already present is refused."""
        return ProcedureTable([*self.rows, *rows])

    def as_rows(self) -> list[tuple[str, str, str, str]]:
        """(state, event, next state, guards) for every row, in table order."""
        return [
            (str(row.source), str(row.event), str(row.target), ", ".join(guard.name for guard in row.guards))
            for row in self.rows
        ]

    def text(self) -> str:
        header = ("state", "event", "next state", "guards")
        rows = [header, *self.as_rows()]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]
            for row in rows
        ]
        return "\n".join(line.rstrip() for line in lines)


# States in which the procedure runs (not draft, not suspended, not ended).
RUNNING = (
    State.NOTICE_PUBLISHED,
    State.PREQUALIFICATION,
    State.PREQUALIFICATION_RESULT,
    State.DOCUMENTS_ISSUED,
    State.BIDDING_OPEN,
    State.DEADLINE_PASSED,
)
# States that take amendments of and objections to the documents (suspended: if the state it left has them out).
DOCUMENT_ACTS = (State.PREQUALIFICATION, State.DOCUMENTS_ISSUED, State.BIDDING_OPEN, State.SUSPENDED)
# States with objections whose answers are still tracked.
TRACKING_OBJECTIONS = (State.SUSPENDED, State.CANCELLED)
CANCELLABLE = (State.DRAFT, *RUNNING, State.SUSPENDED, State.FAILED)
TERMINAL = frozenset({State.CANCELLED, State.RE_TENDERED})


def _row(source: State, event: EventKind, target: Target, *guards: Guard, effect: Effect | None = None) -> Transition:
    return Transition(source, event, target, guards, effect)


# fmt: off
def _rows() -> list[Transition]:
    S, E, fx = State, EventKind, effects  # short names keep one row on a line
    return [
        _row(S.DRAFT, E.PUBLISH_NOTICE, S.NOTICE_PUBLISHED, g.tender_complete, g.notice_complete,
             effect=fx.record_notice),
        _row(S.NOTICE_PUBLISHED, E.START_PREQUALIFICATION, S.PREQUALIFICATION, g.with_prequalification,
             g.prequal_schedule, effect=fx.record_prequal_schedule),
        _row(S.NOTICE_PUBLISHED, E.ISSUE_DOCUMENTS, S.DOCUMENTS_ISSUED, g.without_prequalification,
             g.document_schedule, effect=fx.record_document_schedule),
        _row(S.PREQUALIFICATION, E.PUBLISH_PREQUAL_RESULT, S.PREQUALIFICATION_RESULT, g.applications_closed,
             g.enough_passed_applicants, effect=fx.record_passed_applicants),
        _row(S.PREQUALIFICATION, E.DECLARE_FAILED, S.FAILED, g.applications_closed, g.too_few_passed_applicants,
             effect=fx.record_failure),
        _row(S.PREQUALIFICATION_RESULT, E.ISSUE_DOCUMENTS, S.DOCUMENTS_ISSUED, g.document_schedule,
             effect=fx.record_document_schedule),
        _row(S.DOCUMENTS_ISSUED, E.SALE_PERIOD_ENDED, S.BIDDING_OPEN, g.sale_period_over),
        _row(S.BIDDING_OPEN, E.DEADLINE_REACHED, S.DEADLINE_PASSED, g.deadline_has_come),
        _row(S.DEADLINE_PASSED, E.DECLARE_FAILED, S.FAILED, g.too_few_bidders, effect=fx.record_failure),
        *(_row(s, E.AMEND_DOCUMENTS, s, g.amendment_in_time, effect=fx.record_amendment) for s in DOCUMENT_ACTS),
        *(_row(s, E.RAISE_OBJECTION, S.SUSPENDED, g.objection_in_time, effect=fx.open_objection)
          for s in DOCUMENT_ACTS),
        *(_row(s, E.ANSWER_OBJECTION, s, g.objection_pending, effect=fx.record_answer) for s in TRACKING_OBJECTIONS),
        *(_row(s, E.OBJECTION_ANSWER_DUE, s, g.objection_answer_late, effect=fx.mark_answer_overdue)
          for s in TRACKING_OBJECTIONS),
        *(_row(s, E.SUSPEND_BY_DIRECTIVE, S.SUSPENDED, g.directive_reason, effect=fx.impose_directive)
          for s in (*RUNNING, S.SUSPENDED)),
        _row(S.SUSPENDED, E.LIFT_DIRECTIVE, S.SUSPENDED, g.directive_in_force, effect=fx.lift_directive),
        _row(S.SUSPENDED, E.RESUME, PREVIOUS, g.nothing_pending, g.deadline_still_ahead),
        *(_row(s, E.CANCEL, S.CANCELLED, g.cancellation_reason, effect=fx.record_cancellation) for s in CANCELLABLE),
        _row(S.FAILED, E.RE_TENDER, S.RE_TENDERED, g.successor_named, effect=fx.record_successor),
    ]
# fmt: on


PROCEDURE = ProcedureTable(_rows())


def fire(
    tender: TenderProject,
    event: Event,
    *,
    rules: RulesTable | None = None,
    calendar: WorkingDayCalendar | None = None,
    table: ProcedureTable = PROCEDURE,
) -> TenderProject:
    """The tender after `event`, or a refusal: Conflict for a pair the table does not have or an event out of time
    order; the guards' ValidationFailed or Conflict otherwise. The tender passed in is never changed."""
    _check_time_order(tender, event)
    row = table.find(tender.state, event.kind)
    book = book_for(tender, rules or packaged_rules(), at=event.at, calendar=calendar)
    for guard in row.guards:
        guard(tender, event, book)
    working = tender
    if row.target is State.SUSPENDED and tender.state is not State.SUSPENDED:
        working = replace(tender, suspension=Suspension(resume_to=tender.state, since=event.at))
    changed = row.effect(working, event, book) if row.effect is not None else working
    if isinstance(row.target, PreviousState):
        assert tender.suspension is not None
        target = tender.suspension.resume_to
    else:
        target = row.target
    if target is not State.SUSPENDED:
        changed = replace(changed, suspension=None)
    return replace(changed, state=target, last_event_at=event.at)


def _check_time_order(tender: TenderProject, event: Event) -> None:
    if event.at.tzinfo is None:
        raise ValueError("an event's time must carry its timezone")
    if tender.last_event_at is not None and event.at < tender.last_event_at:
        raise Conflict(
            f"{event.kind} at {event.at.isoformat()} comes before the tender's last event "
            f"({tender.last_event_at.isoformat()}): events are applied in time order",
            field="at",
            code="out_of_order",
            detail={"at": event.at.isoformat(), "last_event_at": tender.last_event_at.isoformat()},
        )


def as_rows() -> list[tuple[str, str, str, str]]:
    """The procedure table: (state, event, next state, guards)."""
    return PROCEDURE.as_rows()


def table_text() -> str:
    return PROCEDURE.text()


def print_table(file: TextIO | None = None) -> None:
    print(table_text(), file=file or sys.stdout)
