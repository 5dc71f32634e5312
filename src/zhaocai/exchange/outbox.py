"""Writing exchange messages: a row in the caller's transaction, so a message exists if and only if the state change
that caused it committed. The relay (a later issue) numbers, signs and publishes them.

Payloads carry the national data items by their names (PROJECT_CODE, TENDER_PROJECT_CODE, BID_SECTION_CODE, ...).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert, select

from zhaocai.adapters.db.tables.exchange import outbox_messages
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.canonical import canonical_json
from zhaocai.core.ids import new_id


def emit(
    uow: UnitOfWork,
    message_type: str,
    payload: dict[str, Any],
    *,
    object_type: str | None = None,
    object_id: str | None = None,
) -> str:
    message_id = new_id()
    uow.conn.execute(
        insert(outbox_messages).values(
            message_id=message_id,
            message_type=message_type,
            object_type=object_type,
            object_id=object_id,
            payload=canonical_json(payload).decode(),
            created_at=uow.clock.now(),
        )
    )
    return message_id


def pending_messages(conn: Connection, *, message_type: str | None = None) -> list[dict[str, Any]]:
    """Messages not yet published, in the order they were written (for the relay and for tests)."""
    query = select(outbox_messages).where(outbox_messages.c.seq.is_(None)).order_by(outbox_messages.c.id)
    if message_type is not None:
        query = query.where(outbox_messages.c.message_type == message_type)
    return [dict(row) | {"payload": json.loads(row["payload"])} for row in conn.execute(query).mappings()]
