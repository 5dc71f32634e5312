"""Helpers for the tender-procedure service tests: market subjects, a recorded deadline handler, audit lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.tendering.scenario import market_subject


@dataclass
class DeadlineRecorder:
    """A deadline handler that remembers its calls and proves it ran inside the scheduler's transaction."""

    calls: list[tuple[str, datetime, bool]] = field(default_factory=list)

    def __call__(self, uow, tender_id: str, deadline: datetime) -> None:
        self.calls.append((tender_id, deadline, uow.conn.in_transaction()))


class TenderWorld:
    def __init__(self, container) -> None:
        self.container = container

    @cached_property
    def tenderer(self) -> Actor:
        return market_subject(self.container, kind="tenderer", username="school")

    @cached_property
    def other_tenderer(self) -> Actor:
        return market_subject(self.container, kind="tenderer", username="hospital")

    @cached_property
    def agent(self) -> Actor:
        return market_subject(self.container, kind="agent", username="agency")

    @cached_property
    def bidders(self) -> list[Actor]:
        return [market_subject(self.container, kind="bidder", username=f"builder{n}") for n in range(1, 4)]

    def entries(self, action: str | None = None) -> list[dict]:
        query = select(audit_entries).order_by(audit_entries.c.id)
        if action:
            query = query.where(audit_entries.c.action == action)
        with self.container.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def outcomes(self, action: str) -> list[str]:
        return [entry["outcome"] for entry in self.entries(action)]


def document(container, name: str = "招标文件.pdf", content: bytes = b"%PDF-1.4 tender documents"):
    from zhaocai.tendering.documents import store_document

    return store_document(container.blobs, filename=name, media_type="application/pdf", source=[content])


def pending(container, message_type: str) -> list[dict]:
    from zhaocai.exchange.outbox import pending_messages

    with container.engine.connect() as conn:
        return pending_messages(conn, message_type=message_type)


def inbox_subjects(container, actor) -> list[str]:
    from zhaocai.notifications.service import list_inbox

    with container.engine.connect() as conn:
        return [item.subject for item in list_inbox(conn, actor.user_id)]


def last_refusal(world, action: str) -> dict:
    entries = [entry for entry in world.entries(action) if entry["outcome"].startswith("refused")]
    assert entries, f"no refusal of {action} was audited"
    return entries[-1]
