"""Reading and writing the opening tables. No rules here: the use cases decide, this module stores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from zhaocai.adapters.db.tables.opening import (
    opening_bids,
    opening_files,
    opening_objections,
    opening_plans,
    opening_records,
    opening_sessions,
)
from zhaocai.core.ids import new_id


@dataclass(frozen=True)
class Plan:
    tender_id: str
    window_minutes: int
    announce_reserve: bool
    reserve_price: str | None
    set_at: datetime


@dataclass(frozen=True)
class Session:
    id: str
    tender_id: str
    lot_id: str
    stage: str
    state: str
    started_at: datetime
    window_ends_at: datetime | None
    closed_at: datetime | None
    bids_received: int
    failure_reason: str | None
    failure_citation: str | None
    record_id: str | None


@dataclass(frozen=True)
class BidOpening:
    id: str
    session_id: str
    lot_id: str
    bid_id: str
    version_id: str
    bidder_org_id: str
    consortium_org_ids: tuple[str, ...]
    void: bool
    outcome: str
    reason: str | None
    citation: str | None
    decided_at: datetime | None
    manifest: dict[str, Any] | None
    price: str | None
    price_in_words: str | None


@dataclass(frozen=True)
class FileRow:
    section: str
    name: str
    sha256: str
    size: int
    blob_key: str


@dataclass(frozen=True)
class Objection:
    id: str
    session_id: str
    lot_id: str
    raised_by_org_id: str
    text: str
    raised_at: datetime
    answer: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class Record:
    id: str
    session_id: str
    tender_id: str
    lot_id: str
    stage: str
    body: bytes
    signature: bytes
    key_id: str
    algorithm: str
    created_at: datetime


# plans


def get_plan(conn: Connection, tender_id: str) -> Plan | None:
    row = conn.execute(select(opening_plans).where(opening_plans.c.tender_id == tender_id)).first()
    if row is None:
        return None
    return Plan(row.tender_id, row.window_minutes, row.announce_reserve, row.reserve_price, row.set_at)


def put_plan(conn: Connection, plan: Plan, *, set_by: str | None) -> None:
    values = {
        "window_minutes": plan.window_minutes,
        "announce_reserve": plan.announce_reserve,
        "reserve_price": plan.reserve_price,
        "set_at": plan.set_at,
        "set_by": set_by,
    }
    if get_plan(conn, plan.tender_id) is None:
        conn.execute(insert(opening_plans).values(tender_id=plan.tender_id, **values))
    else:
        conn.execute(update(opening_plans).where(opening_plans.c.tender_id == plan.tender_id).values(**values))


# sessions


def _session(row: Any) -> Session:
    return Session(
        row.id,
        row.tender_id,
        row.lot_id,
        row.stage,
        row.state,
        row.started_at,
        row.window_ends_at,
        row.closed_at,
        row.bids_received,
        row.failure_reason,
        row.failure_citation,
        row.record_id,
    )


def insert_session(conn: Connection, **values: Any) -> Session:
    values.setdefault("id", new_id())
    values.setdefault("closed_at", None)
    values.setdefault("failure_reason", None)
    values.setdefault("failure_citation", None)
    values.setdefault("record_id", None)
    conn.execute(insert(opening_sessions).values(**values))
    return Session(**{name: values[name] for name in Session.__dataclass_fields__})


def get_session(conn: Connection, session_id: str, *, lock: bool = False) -> Session | None:
    query = select(opening_sessions).where(opening_sessions.c.id == session_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return _session(row) if row else None


def sessions_of_lot(conn: Connection, lot_id: str) -> list[Session]:
    rows = conn.execute(
        select(opening_sessions).where(opening_sessions.c.lot_id == lot_id).order_by(opening_sessions.c.started_at)
    ).all()
    order = {"whole": 0, "technical": 0, "price": 1}
    return sorted((_session(row) for row in rows), key=lambda session: order.get(session.stage, 2))


def sessions_of_tender(conn: Connection, tender_id: str) -> list[Session]:
    rows = conn.execute(select(opening_sessions).where(opening_sessions.c.tender_id == tender_id)).all()
    return [_session(row) for row in rows]


def session_of(conn: Connection, lot_id: str, stage: str) -> Session | None:
    row = conn.execute(
        select(opening_sessions).where(opening_sessions.c.lot_id == lot_id, opening_sessions.c.stage == stage)
    ).first()
    return _session(row) if row else None


def due_session_ids(conn: Connection, now: datetime, *, limit: int = 100) -> list[str]:
    query = (
        select(opening_sessions.c.id)
        .where(opening_sessions.c.state == "decrypting", opening_sessions.c.window_ends_at <= now)
        .order_by(opening_sessions.c.window_ends_at, opening_sessions.c.id)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def set_session(conn: Connection, session_id: str, **values: Any) -> None:
    conn.execute(update(opening_sessions).where(opening_sessions.c.id == session_id).values(**values))


# bids


def _bid(row: Any) -> BidOpening:
    return BidOpening(
        id=row.id,
        session_id=row.session_id,
        lot_id=row.lot_id,
        bid_id=row.bid_id,
        version_id=row.version_id,
        bidder_org_id=row.bidder_org_id,
        consortium_org_ids=tuple(org for org in row.consortium_org_ids.split(",") if org),
        void=row.void,
        outcome=row.outcome,
        reason=row.reason,
        citation=row.citation,
        decided_at=row.decided_at,
        manifest=json.loads(row.manifest) if row.manifest is not None else None,
        price=row.price,
        price_in_words=row.price_in_words,
    )


def insert_bid_opening(conn: Connection, **values: Any) -> None:
    values["consortium_org_ids"] = ",".join(values.get("consortium_org_ids") or ())
    conn.execute(insert(opening_bids).values(id=new_id(), outcome="pending", **values))


def bids_of_session(conn: Connection, session_id: str) -> list[BidOpening]:
    rows = conn.execute(
        select(opening_bids).where(opening_bids.c.session_id == session_id).order_by(opening_bids.c.id)
    ).all()
    return [_bid(row) for row in rows]


def bid_in_session(conn: Connection, session_id: str, bid_id: str) -> BidOpening | None:
    row = conn.execute(
        select(opening_bids).where(opening_bids.c.session_id == session_id, opening_bids.c.bid_id == bid_id)
    ).first()
    return _bid(row) if row else None


def decide(conn: Connection, opening_id: str, *, outcome: str, at: datetime, **values: Any) -> bool:
    """Record the outcome, unless another transaction decided first (False then)."""
    result = conn.execute(
        update(opening_bids)
        .where(opening_bids.c.id == opening_id, opening_bids.c.outcome == "pending")
        .values(outcome=outcome, decided_at=at, **values)
    )
    return result.rowcount == 1


def insert_files(conn: Connection, opening_id: str, files: list[FileRow]) -> None:
    if files:
        conn.execute(
            insert(opening_files),
            [
                {
                    "id": new_id(),
                    "opening_bid_id": opening_id,
                    "seq": seq,
                    "section": f.section,
                    "name": f.name,
                    "sha256": f.sha256,
                    "size": f.size,
                    "blob_key": f.blob_key,
                }
                for seq, f in enumerate(files)
            ],
        )


def files_of(conn: Connection, opening_ids: list[str]) -> dict[str, list[FileRow]]:
    found: dict[str, list[FileRow]] = {opening_id: [] for opening_id in opening_ids}
    if not opening_ids:
        return found
    rows = conn.execute(
        select(opening_files)
        .where(opening_files.c.opening_bid_id.in_(opening_ids))
        .order_by(opening_files.c.opening_bid_id, opening_files.c.seq)
    ).all()
    for row in rows:
        found[row.opening_bid_id].append(FileRow(row.section, row.name, row.sha256, row.size, row.blob_key))
    return found


# records


def insert_record(conn: Connection, record: Record) -> None:
    conn.execute(insert(opening_records).values(**record.__dict__))


def get_record(conn: Connection, record_id: str) -> Record | None:
    row = conn.execute(select(opening_records).where(opening_records.c.id == record_id)).first()
    return Record(**row._mapping) if row else None


def records_of_tender(conn: Connection, tender_id: str) -> list[Record]:
    rows = conn.execute(
        select(opening_records).where(opening_records.c.tender_id == tender_id).order_by(opening_records.c.created_at)
    ).all()
    return [Record(**row._mapping) for row in rows]


# objections


def insert_objection(conn: Connection, **values: Any) -> str:
    objection_id = new_id()
    conn.execute(insert(opening_objections).values(id=objection_id, **values))
    return objection_id


def get_objection(conn: Connection, objection_id: str) -> Objection | None:
    row = conn.execute(select(opening_objections).where(opening_objections.c.id == objection_id)).first()
    return _objection(row) if row else None


def _objection(row: Any) -> Objection:
    return Objection(
        row.id, row.session_id, row.lot_id, row.raised_by_org_id, row.text, row.raised_at, row.answer, row.answered_at
    )


def objections_of_session(conn: Connection, session_id: str) -> list[Objection]:
    rows = conn.execute(
        select(opening_objections)
        .where(opening_objections.c.session_id == session_id)
        .order_by(opening_objections.c.raised_at, opening_objections.c.id)
    ).all()
    return [_objection(row) for row in rows]


def answer_objection(conn: Connection, objection_id: str, *, answer: str, user_id: str | None, at: datetime) -> bool:
    result = conn.execute(
        update(opening_objections)
        .where(opening_objections.c.id == objection_id, opening_objections.c.answer.is_(None))
        .values(answer=answer, answered_by_user_id=user_id, answered_at=at)
    )
    return result.rowcount == 1
