"""Storing projects and tenders: the aggregate as canonical JSON beside the columns queries and the scheduler use.

`load_tender(..., lock=True)` takes the row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises
writers); `save_tender` checks the version it loaded (optimistic concurrency) and recomputes `next_check`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from zhaocai.adapters.db.tables.tendering import projects, tender_lots, tenders
from zhaocai.core.errors import Conflict, NotFound
from zhaocai.core.ids import new_id
from zhaocai.tendering import codec
from zhaocai.tendering.model import Project, State, TenderProject, next_check


@dataclass(frozen=True)
class StoredProject:
    id: str
    project: Project
    owner_org_id: str
    registered_at: datetime


@dataclass(frozen=True)
class StoredTender:
    tender: TenderProject
    version: int
    project_id: str
    lot_ids: dict[str, str]  # lot number -> lot id
    verdict: dict[str, Any]

    @property
    def id(self) -> str:
        return self.tender.id

    def lot_id(self, number: str) -> str:
        return self.lot_ids[number]

    def lot_number(self, lot_id: str) -> str | None:
        return next((number for number, found in self.lot_ids.items() if found == lot_id), None)


# --- projects ----------------------------------------------------------------------------------------------------


def insert_project(conn: Connection, project: Project, *, owner_org_id: str, at: datetime, by: str | None) -> str:
    project_id = new_id()
    conn.execute(
        insert(projects).values(
            id=project_id,
            code=project.code,
            name=project.name,
            owner_org_id=owner_org_id,
            approved_on=project.approval.approved_on,
            data=codec.dumps(project),
            registered_at=at,
            registered_by=by,
        )
    )
    return project_id


def _project(row: Any) -> StoredProject:
    return StoredProject(row.id, codec.loads(Project, row.data), row.owner_org_id, row.registered_at)


def get_project(conn: Connection, project_id: str) -> StoredProject:
    row = conn.execute(select(projects).where(projects.c.id == project_id)).first()
    if row is None:
        raise NotFound(f"no project {project_id}", field="project_id")
    return _project(row)


def find_project_by_code(conn: Connection, code: str) -> StoredProject | None:
    row = conn.execute(select(projects).where(projects.c.code == code)).first()
    return _project(row) if row is not None else None


def list_projects(conn: Connection, *, owner_org_id: str | None = None) -> list[StoredProject]:
    query = select(projects).order_by(projects.c.registered_at, projects.c.id)
    if owner_org_id is not None:
        query = query.where(projects.c.owner_org_id == owner_org_id)
    return [_project(row) for row in conn.execute(query)]


def next_tender_seq(conn: Connection, project_id: str) -> int:
    highest = conn.execute(select(func.max(tenders.c.seq)).where(tenders.c.project_id == project_id)).scalar()
    return (highest or 0) + 1


# --- tenders -----------------------------------------------------------------------------------------------------


def _columns(tender: TenderProject, now: datetime) -> dict[str, Any]:
    return {
        "name": tender.name,
        "tenderer_org_id": tender.tenderer_org_id,
        "agent_org_id": tender.agent_org_id,
        "state": tender.state.value,
        "next_check": next_check(tender, now),
        "bid_deadline": tender.schedule.bid_deadline,
        "data": codec.dumps(tender),
        "updated_at": now,
    }


def insert_tender(
    conn: Connection, tender: TenderProject, *, project_id: str, verdict: dict[str, Any], now: datetime
) -> StoredTender:
    values = _columns(tender, now)
    conn.execute(
        insert(tenders).values(
            id=tender.id,
            project_id=project_id,
            seq=tender.seq,
            number=tender.number,
            version=1,
            verdict=json.dumps(verdict, ensure_ascii=False, sort_keys=True),
            predecessor_id=tender.predecessor_id,
            created_at=now,
            **values,
        )
    )
    lot_ids = _insert_lots(conn, tender, {})
    return StoredTender(tender, 1, project_id, lot_ids, verdict)


def _insert_lots(conn: Connection, tender: TenderProject, known: dict[str, str]) -> dict[str, str]:
    lot_ids = dict(known)
    for lot in tender.lots:
        if lot.number in lot_ids:
            continue
        lot_ids[lot.number] = new_id()
        conn.execute(
            insert(tender_lots).values(
                id=lot_ids[lot.number],
                tender_id=tender.id,
                seq=lot.seq,
                number=lot.number,
                name=lot.name,
                estimate=str(lot.estimate),
                bond_amount=str(lot.bond_amount),
            )
        )
    return lot_ids


def lot_ids_of(conn: Connection, tender_id: str) -> dict[str, str]:
    rows = conn.execute(
        select(tender_lots.c.number, tender_lots.c.id).where(tender_lots.c.tender_id == tender_id)
    ).all()
    return {row.number: row.id for row in rows}


def load_tender(conn: Connection, tender_id: str, *, lock: bool = False) -> StoredTender:
    query = select(tenders).where(tenders.c.id == tender_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no tender {tender_id}", field="tender_id")
    return StoredTender(
        codec.loads(TenderProject, row.data),
        row.version,
        row.project_id,
        lot_ids_of(conn, tender_id),
        json.loads(row.verdict),
    )


def save_tender(conn: Connection, stored: StoredTender, tender: TenderProject, *, now: datetime) -> StoredTender:
    """Write `tender` over the version `stored` was loaded at; a concurrent change in between is a Conflict."""
    values = _columns(tender, now)
    if stored.tender.state is State.DRAFT and tender.state is not State.DRAFT and tender.notice is not None:
        values["published_at"] = tender.last_event_at
    result = conn.execute(
        update(tenders)
        .where(tenders.c.id == tender.id, tenders.c.version == stored.version)
        .values(version=stored.version + 1, **values)
    )
    if result.rowcount != 1:
        raise Conflict(
            f"tender {tender.id} was changed by someone else meanwhile: reload and try again",
            field="version",
            code="concurrent_update",
        )
    lot_ids = _insert_lots(conn, tender, stored.lot_ids)
    return StoredTender(tender, stored.version + 1, stored.project_id, lot_ids, stored.verdict)


def due_tender_ids(conn: Connection, now: datetime, *, limit: int = 100) -> list[str]:
    """Tenders whose next_check has come, earliest first."""
    query = (
        select(tenders.c.id)
        .where(tenders.c.next_check.is_not(None), tenders.c.next_check <= now)
        .order_by(tenders.c.next_check, tenders.c.id)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def tender_id_of_lot(conn: Connection, lot_id: str) -> str | None:
    return conn.execute(select(tender_lots.c.tender_id).where(tender_lots.c.id == lot_id)).scalar()
