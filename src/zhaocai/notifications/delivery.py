"""Delivering queued email: once right after the queuing transaction commits, then by a periodic worker
(`deliver_pending`) with exponential backoff until sent or given up.

A sender first claims a row with one conditional UPDATE that counts the attempt and pushes `next_attempt_at`
a lease ahead, so the after-commit attempt, any number of workers, on either database, never send the same row
at the same time; a sender that dies mid-send leaves the row to be retried once the lease runs out (delivery is
at least once).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, or_, select, update

from zhaocai.adapters.db.tables.notifications import notifications
from zhaocai.core.clock import Clock
from zhaocai.notifications.ports import EmailSender, PermanentDeliveryError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY_DELAY = timedelta(minutes=1)
RETRY_FACTOR = 4  # 1, 4, 16, 64 minutes: about 1.5 hours from first to last of five attempts
MAX_RETRY_DELAY = timedelta(hours=6)
LEASE = timedelta(minutes=10)  # longer than any SMTP conversation (the sender's timeout is 30 s)
MAX_ERROR_LENGTH = 1000


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(FIRST_RETRY_DELAY * RETRY_FACTOR ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def deliver_pending(
    engine: Engine, sender: EmailSender, clock: Clock, max_attempts: int = MAX_ATTEMPTS, *, limit: int = 100
) -> DeliveryReport:
    """Try every email that is due (oldest first, at most `limit`); for a periodic worker."""
    with engine.connect() as conn:
        due = conn.execute(
            select(notifications.c.id)
            .where(_is_due(clock.now()))
            .order_by(notifications.c.created_at, notifications.c.id)
            .limit(limit)
        )
        ids = list(due.scalars())
    report = DeliveryReport()
    for notification_id in ids:
        outcome = attempt_delivery(engine, sender, clock, notification_id, max_attempts)
        if outcome is not None:
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def deliver_after_commit(
    engine: Engine, sender: EmailSender, clock: Clock, ids: Iterable[str], max_attempts: int = MAX_ATTEMPTS
) -> None:
    """The first attempt, run by the unit of work after commit. Never raises: the use case has succeeded and
    whatever fails here is recorded on the row for the worker to retry."""
    for notification_id in ids:
        try:
            attempt_delivery(engine, sender, clock, notification_id, max_attempts)
        except Exception:
            log.exception("delivering notification %s after commit failed", notification_id)


def attempt_delivery(
    engine: Engine, sender: EmailSender, clock: Clock, notification_id: str, max_attempts: int = MAX_ATTEMPTS
) -> str | None:
    """One attempt at one email: 'sent', 'retrying', 'failed', or None when it is not ours to send now."""
    row = _claim(engine, clock.now(), notification_id)
    if row is None:
        return None
    try:
        sender.send(to=row["email"], subject=row["subject"], body=row["body"])
    except Exception as error:
        give_up = isinstance(error, PermanentDeliveryError) or row["attempts"] >= max_attempts
        log.warning("email %s not delivered (attempt %d): %s", notification_id, row["attempts"], error)
        now = clock.now()
        _finish(
            engine,
            notification_id,
            status="failed" if give_up else "pending",
            last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH],
            next_attempt_at=None if give_up else now + retry_delay(row["attempts"]),
        )
        return "failed" if give_up else "retrying"
    _finish(engine, notification_id, status="sent", sent_at=clock.now(), last_error=None, next_attempt_at=None)
    return "sent"


def _is_due(now: datetime) -> ColumnElement[bool]:
    return (
        (notifications.c.channel == "email")
        & (notifications.c.status == "pending")
        & or_(notifications.c.next_attempt_at.is_(None), notifications.c.next_attempt_at <= now)
    )


def _claim(engine: Engine, now: datetime, notification_id: str) -> dict[str, Any] | None:
    with engine.begin() as conn:
        claimed = conn.execute(
            update(notifications)
            .where(notifications.c.id == notification_id, _is_due(now))
            .values(attempts=notifications.c.attempts + 1, next_attempt_at=now + LEASE)
        )
        if claimed.rowcount != 1:
            return None
        row = conn.execute(select(notifications).where(notifications.c.id == notification_id)).mappings().one()
        return dict(row)


def _finish(engine: Engine, notification_id: str, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(notifications).where(notifications.c.id == notification_id).values(**values))
