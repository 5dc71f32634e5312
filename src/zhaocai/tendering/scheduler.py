"""Time events (DESIGN principle 1; docs/procedure.md "Time events"): the database is the source of truth.

Each tender row stores `next_check`, the moment its next time event falls due. `do_process_due_tenders` finds the
tenders whose moment has come and, one transaction per tender, locks it, reads the clock inside that transaction,
applies every time event due (`apply_due`: the sale period ends, the bid deadline comes, an objection's answer
becomes overdue), saves it with its next `next_check`, and — in the same transaction — runs what each event brings:
the deadline handlers at DEADLINE_REACHED (`default_deadline_handlers()`), the overdue record and EXCEPTION_REPORT
for a late answer. Running it twice does nothing the second time; a tender whose handler fails stays due and is
retried on the next run, while the others go on.

`zhaocai.jobs.platform_jobs` runs `Scheduler(container).run_once` periodically, beside the audit sequencer.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from zhaocai.adapters.db.uow import UnitOfWork, UnitOfWorkFactory
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.core.clock import Clock
from zhaocai.tendering.procedure import DeadlineHandler, default_deadline_handlers, load_for_change
from zhaocai.tendering.repository import due_tender_ids, save_tender
from zhaocai.usecase import use_case

__all__ = [
    "DeadlineHandler",
    "DueRun",
    "Scheduler",
    "default_deadline_handlers",
    "do_apply_time_events",
    "do_process_due_tenders",
]

log = logging.getLogger(__name__)
BATCH = 100


@dataclass
class DueRun:
    applied: dict[str, list[str]] = field(default_factory=dict)  # tender id -> time events applied
    failed: dict[str, str] = field(default_factory=dict)  # tender id -> what went wrong (it stays due)

    @property
    def count(self) -> int:
        return sum(len(events) for events in self.applied.values())


@use_case("tendering.apply_time_events", object_type="tender")
def do_apply_time_events(
    *, uow: UnitOfWork, actor: Actor, tender_id: str, handlers: Sequence[DeadlineHandler] | None = None
) -> list[str]:
    """Apply the tender's due time events with their consequences; the events applied (none if another run was
    first). Saving also refreshes next_check, so a tender with nothing due leaves the due list."""
    working = load_for_change(uow, tender_id, handlers=handlers)
    if not working.applied:
        working.stored = save_tender(uow.conn, working.stored, working.tender, now=working.now)
    return [event.kind.value for event in working.applied]


def _system_actor(tender_id: str, now: datetime) -> Actor:
    # The audit entry's payload hash names what the scheduler was asked to do (handlers are code, not payload).
    digest = hashlib.sha256(f"time-events:{tender_id}:{now.isoformat()}".encode()).hexdigest()
    return SYSTEM.with_payload_hash(digest)


def do_process_due_tenders(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    handlers: Sequence[DeadlineHandler] | None = None,
    limit: int | None = None,
) -> DueRun:
    """Apply the time events of every tender whose next_check has come (each in its own transaction)."""
    run = DueRun()
    seen: set[str] = set()
    while limit is None or len(seen) < limit:
        now = clock.now()
        uow = uow_factory()
        with uow:
            batch = [tender_id for tender_id in due_tender_ids(uow.conn, now, limit=BATCH) if tender_id not in seen]
        if not batch:
            break
        for tender_id in batch[: None if limit is None else limit - len(seen)]:
            seen.add(tender_id)
            try:
                applied = do_apply_time_events(
                    uow=uow_factory(), actor=_system_actor(tender_id, now), tender_id=tender_id, handlers=handlers
                )
            except Exception as error:  # one tender's failure must not hold up the others; it stays due
                log.exception("time events of tender %s failed; retried on the next run", tender_id)
                run.failed[tender_id] = f"{type(error).__name__}: {error}"
                continue
            if applied:
                run.applied[tender_id] = applied
    return run


class Scheduler:
    """Runs `do_process_due_tenders` every `interval` seconds in a daemon thread until `stop()`."""

    def __init__(self, container, *, handlers: Sequence[DeadlineHandler] | None = None) -> None:
        self.container = container
        self.handlers = handlers

    def run_once(self) -> DueRun:
        return do_process_due_tenders(
            uow_factory=self.container.uow, clock=self.container.clock, handlers=self.handlers
        )
