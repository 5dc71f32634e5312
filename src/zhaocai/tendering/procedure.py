"""Moving a stored tender through the procedure inside a use case's transaction.

Every command first applies the time events that fell due (`apply_due`, so events stay in time order), then fires
its own event; the scheduler does only the first part. What a time event means beyond the model happens here, in
the same transaction: at the bid deadline the deadline handlers run (zhaocai.bidding's 条例34/37 checks), and an
objection answered late is recorded and flagged to supervision through the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from zhaocai.adapters.db.tables.tendering import tender_objections
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.exchange.outbox import emit
from zhaocai.tendering import messages
from zhaocai.tendering.model import Event, EventKind, TenderProject, apply_due, fire
from zhaocai.tendering.repository import StoredTender, load_tender, save_tender

DeadlineHandler = Callable[[UnitOfWork, str, datetime], None]


def default_deadline_handlers() -> list[DeadlineHandler]:
    """What runs at every bid deadline, in the transaction that moves the tender to deadline_passed."""
    # Imported here: the procedure does not depend on bidding or bonds; this is where they are composed.
    from zhaocai.bidding.deadline import run_deadline_checks
    from zhaocai.bonds.refunds import report_overdue_refunds
    from zhaocai.opening.deadline import open_lots_at_deadline

    return [run_deadline_checks, report_overdue_refunds, open_lots_at_deadline]


@dataclass
class Working:
    """A tender loaded (and locked) for change, with the time read inside the transaction."""

    stored: StoredTender
    tender: TenderProject
    now: datetime
    applied: list[Event]

    @property
    def id(self) -> str:
        return self.tender.id


def load_for_change(
    uow: UnitOfWork,
    tender_id: str,
    *,
    check: Callable[[TenderProject], None] | None = None,
    handlers: Sequence[DeadlineHandler] | None = None,
) -> Working:
    """Lock the tender, run `check` (who may act), read the clock, and apply the time events due by now with their
    consequences."""
    stored = load_tender(uow.conn, tender_id, lock=True)
    if check is not None:
        check(stored.tender)
    now = uow.clock.now()
    tender, applied = apply_due(stored.tender, now)
    if applied:  # stored first, so that what the consequences read sees the tender as it now stands
        stored = save_tender(uow.conn, stored, tender, now=now)
    for event in applied:
        _after_time_event(uow, tender, event, now, handlers)
    return Working(stored, tender, now, applied)


def _after_time_event(
    uow: UnitOfWork,
    tender: TenderProject,
    event: Event,
    now: datetime,
    handlers: Sequence[DeadlineHandler] | None,
) -> None:
    if event.kind is EventKind.DEADLINE_REACHED:
        for handler in default_deadline_handlers() if handlers is None else handlers:
            handler(uow, tender.id, event.at)
    elif event.kind is EventKind.OBJECTION_ANSWER_DUE:
        objection = tender.objection(event.objection_id or "")
        assert objection is not None
        uow.conn.execute(
            update(tender_objections)
            .where(tender_objections.c.id == objection.id, tender_objections.c.overdue_at.is_(None))
            .values(overdue_at=now)
        )
        emit(
            uow,
            messages.EXCEPTION_REPORT,
            messages.objection_overdue(tender, objection, now),
            object_type="tender",
            object_id=tender.id,
        )


def apply(working: Working, event: Event) -> TenderProject:
    """Fire `event` on the working tender (the model's guards decide) and keep the result."""
    working.tender = fire(working.tender, event)
    return working.tender


def save(uow: UnitOfWork, working: Working) -> StoredTender:
    working.stored = save_tender(uow.conn, working.stored, working.tender, now=working.now)
    return working.stored
