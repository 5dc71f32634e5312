"""Time events: what falls due on its own (the sale period ends, the bid deadline comes, an objection's answer
becomes overdue), computed from the times stored on the tender.

A scheduler stores `next_check(tender, now)` beside the tender, wakes when it comes, and hands the tender to a use
case that calls `apply_due(tender, now)` — the events due by `now`, applied in order. The same call before any
command keeps events in time order. Applying is idempotent: once applied, an event is no longer due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from zhaocai.rules import RulesTable, WorkingDayCalendar
from zhaocai.tendering.model.machine import PROCEDURE, ProcedureTable, fire
from zhaocai.tendering.model.states import Event, EventKind
from zhaocai.tendering.model.tender import TenderProject

# No tender has more time events than this waiting at once; more means a bug (an event that never stops being due).
_MAX_DUE = 10_000


@dataclass(frozen=True)
class Timer:
    event: EventKind
    falls_due: str  # for the docs
    events: Callable[[TenderProject], list[Event]]


def _sale_end(tender: TenderProject) -> list[Event]:
    at = tender.schedule.sale_ends_at
    return [Event(EventKind.SALE_PERIOD_ENDED, at)] if at is not None else []


def _bid_deadline(tender: TenderProject) -> list[Event]:
    at = tender.schedule.bid_deadline
    return [Event(EventKind.DEADLINE_REACHED, at)] if at is not None else []


def _objection_answers(tender: TenderProject) -> list[Event]:
    return [
        Event(EventKind.OBJECTION_ANSWER_DUE, objection.answer_due_at, objection_id=objection.id)
        for objection in tender.pending_objections()
        if not objection.overdue
    ]


TIMERS: dict[EventKind, Timer] = {
    timer.event: timer
    for timer in (
        Timer(EventKind.SALE_PERIOD_ENDED, "schedule.sale_ends_at (条例16)", _sale_end),
        Timer(EventKind.DEADLINE_REACHED, "schedule.bid_deadline", _bid_deadline),
        Timer(
            EventKind.OBJECTION_ANSWER_DUE,
            "each unanswered objection's answer_due_at (objection_docs_answer_days, 条例22; tracked)",
            _objection_answers,
        ),
    )
}


def scheduled_events(
    tender: TenderProject, *, table: ProcedureTable = PROCEDURE, timers: dict[EventKind, Timer] = TIMERS
) -> list[Event]:
    """The time events the tender's present state can take, earliest first. An event whose time came while the
    tender could not take it (a sale period that ended during a suspension) happens at the tender's last event."""
    events = [
        event for kind in table.events_from(tender.state) if kind in timers for event in timers[kind].events(tender)
    ]
    last = tender.last_event_at
    if last is not None:
        events = [replace(event, at=max(event.at, last)) for event in events]
    return sorted(events, key=lambda event: (event.at, event.kind, event.objection_id or ""))


def next_check(
    tender: TenderProject,
    now: datetime,
    *,
    table: ProcedureTable = PROCEDURE,
    timers: dict[EventKind, Timer] = TIMERS,
) -> datetime | None:
    """When the scheduler should next look at the tender: `now` if an event is due already, else the earliest time
    event ahead; None if no time event can happen in its present state."""
    events = scheduled_events(tender, table=table, timers=timers)
    if not events:
        return None
    return max(events[0].at, now)


def apply_due(
    tender: TenderProject,
    now: datetime,
    *,
    rules: RulesTable | None = None,
    calendar: WorkingDayCalendar | None = None,
    table: ProcedureTable = PROCEDURE,
    timers: dict[EventKind, Timer] = TIMERS,
) -> tuple[TenderProject, list[Event]]:
    """The tender after every time event due by `now`, in order (a deadline after the sale end it follows), and
    the events applied."""
    applied: list[Event] = []
    for _ in range(_MAX_DUE):
        upcoming = scheduled_events(tender, table=table, timers=timers)
        if not upcoming or upcoming[0].at > now:
            return tender, applied
        event = upcoming[0]
        tender = fire(tender, event, rules=rules, calendar=calendar, table=table)
        applied.append(event)
    raise RuntimeError(f"tender {tender.id}: time events keep falling due; a timer never clears")


def due_events(tender: TenderProject, now: datetime) -> list[Event]:
    """The time events due by `now`, in the order they apply (each one valid in the state the previous leaves)."""
    return apply_due(tender, now)[1]
