"""Who to notify for an organisation: its active users (read from identity's tables, never written)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from zhaocai.adapters.db.tables.identity import users
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.notifications.service import queue_notification


def notify_organisations(uow: UnitOfWork, org_ids: Iterable[str], *, subject: str, body: str) -> int:
    """Queue an inbox notification and an email to every active user of each organisation; how many were queued.
    Emails wait for the delivery run (bulk: the request does not wait on SMTP)."""
    wanted = sorted(set(org_ids))
    if not wanted:
        return 0
    rows = uow.conn.execute(
        select(users.c.id, users.c.email)
        .where(users.c.org_id.in_(wanted), users.c.status == "active")
        .order_by(users.c.org_id, users.c.id)
    ).all()
    for row in rows:
        queue_notification(uow, user_id=row.id, email=row.email, subject=subject, body=body, send_now=False)
    return len(rows)
