"""Notifications: queued inside the caller's transaction, delivered only after it commits.

Inbox notifications are delivered by the commit itself. Emails are attempted right after commit by the unit of
work (when it carries an `email_sender`) and retried by `deliver_pending`; a rolled-back use case sends nothing.
Callers must not put anything in a notification that a recipient may not yet know (DESIGN principle 4: no
notification reveals who has bid before the deadline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, func, insert, select, update

from zhaocai.adapters.db.tables.notifications import notifications
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.notifications.delivery import MAX_ATTEMPTS, deliver_after_commit, deliver_pending
from zhaocai.notifications.ports import EmailSender
from zhaocai.usecase import use_case

__all__ = [
    "InboxItem",
    "deliver_pending",
    "do_mark_notification_read",
    "list_inbox",
    "queue_notification",
    "unread_count",
]

Channel = Literal["inbox", "email"]
CHANNELS: frozenset[str] = frozenset({"inbox", "email"})


@dataclass(frozen=True)
class InboxItem:
    id: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None


def queue_notification(
    uow: UnitOfWork,
    *,
    user_id: str | None,
    email: str | None,
    subject: str,
    body: str,
    channels: Iterable[Channel] = ("inbox", "email"),
    sender: EmailSender | None = None,
    send_now: bool = True,
) -> list[str]:
    """Insert one row per channel in the caller's open transaction and return their ids.

    The first email attempt runs after commit (synchronously, before the use case returns), through `sender` or
    else the unit of work's `email_sender`; with neither, or with `send_now=False` (bulk mailings that should
    not hold up the request), emails wait for `deliver_pending`.
    """
    wanted = list(dict.fromkeys(channels))
    _check(wanted, user_id=user_id, email=email, subject=subject)
    now = uow.clock.now()
    ids: dict[str, str] = {}
    for channel in wanted:
        ids[channel] = new_id()
        uow.conn.execute(
            insert(notifications).values(
                id=ids[channel],
                user_id=user_id,
                email=email if channel == "email" else None,
                channel=channel,
                subject=subject,
                body=body,
                created_at=now,
                status="sent" if channel == "inbox" else "pending",
                attempts=0,
                sent_at=now if channel == "inbox" else None,
                next_attempt_at=now if channel == "email" else None,
            )
        )
    sender = sender or uow.email_sender
    if send_now and "email" in ids and sender is not None:
        engine, clock, email_ids = uow.engine, uow.clock, [ids["email"]]
        uow.after_commit(lambda: deliver_after_commit(engine, sender, clock, email_ids, MAX_ATTEMPTS))
    return list(ids.values())


def _check(channels: list[str], *, user_id: str | None, email: str | None, subject: str) -> None:
    if not channels or not set(channels) <= CHANNELS:
        raise ValidationFailed("channels must be one or more of inbox, email", field="channels")
    if "inbox" in channels and not user_id:
        raise ValidationFailed("an inbox notification needs a recipient user", field="user_id")
    if "email" in channels and (not email or "@" not in email or any(c in email for c in "\r\n")):
        raise ValidationFailed("an email notification needs a recipient address", field="email")
    if any(c in subject for c in "\r\n"):
        raise ValidationFailed("a subject is one line", field="subject")


def list_inbox(
    conn: Connection, user_id: str, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> list[InboxItem]:
    """A user's inbox, newest first."""
    query = select(
        notifications.c.id,
        notifications.c.subject,
        notifications.c.body,
        notifications.c.created_at,
        notifications.c.read_at,
    ).where(notifications.c.user_id == user_id, notifications.c.channel == "inbox")
    if unread_only:
        query = query.where(notifications.c.read_at.is_(None))
    query = query.order_by(notifications.c.created_at.desc(), notifications.c.id.desc()).limit(limit).offset(offset)
    return [InboxItem(**row) for row in conn.execute(query).mappings()]


def unread_count(conn: Connection, user_id: str) -> int:
    return conn.execute(
        select(func.count())
        .select_from(notifications)
        .where(
            notifications.c.user_id == user_id,
            notifications.c.channel == "inbox",
            notifications.c.read_at.is_(None),
        )
    ).scalar_one()


@use_case("notification.mark_read", object_type="notification")
def do_mark_notification_read(*, uow: UnitOfWork, actor: Actor, notification_id: str) -> None:
    """Mark one of the actor's own inbox notifications read (again is a no-op; someone else's is not found)."""
    mine = (
        (notifications.c.id == notification_id)
        & (notifications.c.channel == "inbox")
        & (notifications.c.user_id == actor.user_id)
    )
    found = uow.conn.execute(select(notifications.c.read_at).where(mine)).first()
    if found is None or actor.user_id is None:
        raise NotFound("no such notification in your inbox", field="notification_id")
    if found.read_at is None:
        uow.conn.execute(update(notifications).where(mine).values(read_at=uow.clock.now()))
