"""Reads and writes of the experts tables (no rules here: those are in model and the use cases)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.experts import (
    draw_declines,
    draw_parties,
    draw_recusals,
    expert_conflicts,
    expert_draws,
    expert_unavailability,
    experts,
)
from zhaocai.core.errors import NotFound
from zhaocai.experts.model import ExpertFacts


@dataclass(frozen=True)
class ExpertRecord:
    id: str
    user_id: str
    name: str
    specialties: tuple[str, ...]
    region_code: str
    employer_name: str
    employer_credit_code: str | None
    employer_org_id: str | None
    title: str
    senior_title: bool
    years_experience: int
    certificate_fingerprint: str | None
    punished: bool
    supervising_staff: bool
    blacklisted_at: datetime | None
    blacklist_reason: str | None
    status: str
    registered_at: datetime
    updated_at: datetime


def _expert(row: Any) -> ExpertRecord:
    values = dict(row._mapping)
    values["specialties"] = tuple(json.loads(values["specialties"]))
    values.pop("registered_by", None)
    return ExpertRecord(**values)


def get_expert(conn: Connection, expert_id: str) -> ExpertRecord:
    row = conn.execute(select(experts).where(experts.c.id == expert_id)).first()
    if row is None:
        raise NotFound(f"no expert {expert_id}", field="expert_id")
    return _expert(row)


def expert_of_user(conn: Connection, user_id: str) -> ExpertRecord | None:
    row = conn.execute(select(experts).where(experts.c.user_id == user_id)).first()
    return _expert(row) if row else None


def list_experts(conn: Connection) -> list[ExpertRecord]:
    return [_expert(row) for row in conn.execute(select(experts).order_by(experts.c.id))]


def active_experts_facts(conn: Connection) -> list[ExpertFacts]:
    """Every active pool record with its declared conflicts and unavailable periods."""
    conflicts: dict[str, set[str]] = {}
    query = select(expert_conflicts.c.expert_id, expert_conflicts.c.org_id).where(expert_conflicts.c.ended_at.is_(None))
    for expert_id, org_id in conn.execute(query):
        conflicts.setdefault(expert_id, set()).add(org_id)
    periods: dict[str, list[tuple[datetime, datetime]]] = {}
    away = expert_unavailability.c
    for expert_id, start, end in conn.execute(select(away.expert_id, away.from_at, away.until_at)):
        periods.setdefault(expert_id, []).append((start, end))
    found = []
    for record in map(_expert, conn.execute(select(experts).where(experts.c.status == "active"))):
        found.append(
            ExpertFacts(
                expert_id=record.id,
                specialties=record.specialties,
                region_code=record.region_code,
                employer_org_id=record.employer_org_id,
                employer_credit_code=record.employer_credit_code,
                punished=record.punished,
                supervising_staff=record.supervising_staff,
                blacklisted=record.blacklisted_at is not None,
                certificate_fingerprint=record.certificate_fingerprint,
                conflicts=frozenset(conflicts.get(record.id, ())),
                unavailable=tuple(sorted(periods.get(record.id, ()))),
            )
        )
    return found


# --- draws -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawRecord:
    id: str
    tender_id: str
    lot_id: str
    state: str
    round: int
    size: int
    expert_count: int
    reserves: int
    needs: dict[str, int]
    regions: tuple[str, ...]
    remote: bool
    parties: tuple[str, ...]
    hash_name: str
    evaluation_at: datetime
    reveal_minutes: int
    representatives: tuple[str, ...]
    pool: list[dict[str, Any]]
    pool_hash: str
    reveal_deadline: datetime | None
    seed: str | None
    requested_at: datetime
    requested_by: str | None
    drawn_at: datetime | None
    fixed_at: datetime | None


JSON_COLUMNS = ("needs", "regions", "parties", "representatives", "pool")


def _draw(row: Any) -> DrawRecord:
    values = dict(row._mapping)
    for key in JSON_COLUMNS:
        values[key] = json.loads(values[key])
    for key in ("regions", "parties", "representatives"):
        values[key] = tuple(values[key])
    return DrawRecord(**values)


def get_draw(conn: Connection, draw_id: str, *, for_update: bool = False) -> DrawRecord:
    query = select(expert_draws).where(expert_draws.c.id == draw_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no draw {draw_id}", field="draw_id")
    return _draw(row)


def live_draw_of_lot(conn: Connection, lot_id: str) -> DrawRecord | None:
    query = select(expert_draws).where(expert_draws.c.lot_id == lot_id, expert_draws.c.state != "cancelled")
    row = conn.execute(query).first()
    return _draw(row) if row else None


def draws_past_reveal_deadline(conn: Connection, at: datetime) -> list[str]:
    query = select(expert_draws.c.id).where(expert_draws.c.state == "revealing", expert_draws.c.reveal_deadline <= at)
    return list(conn.execute(query).scalars())


@dataclass(frozen=True)
class PartyRow:
    round: int
    party: str
    commitment: str | None
    committed_at: datetime | None
    contribution: str | None
    revealed_at: datetime | None
    platform_secret: str | None
    failed_at: datetime | None


def parties_of(conn: Connection, draw_id: str, round_no: int | None = None) -> list[PartyRow]:
    p = draw_parties.c
    query = select(
        p.round, p.party, p.commitment, p.committed_at, p.contribution, p.revealed_at, p.platform_secret, p.failed_at
    ).where(p.draw_id == draw_id)
    if round_no is not None:
        query = query.where(p.round == round_no)
    return [PartyRow(**row._mapping) for row in conn.execute(query.order_by(p.round, p.party))]


def recusals_of(conn: Connection, draw_id: str) -> list[dict[str, str]]:
    r = draw_recusals.c
    query = select(r.expert_id, r.reason, r.detail).where(r.draw_id == draw_id).order_by(r.expert_id, r.reason)
    return [dict(row._mapping) for row in conn.execute(query)]


def declines_of(conn: Connection, draw_id: str) -> list[dict[str, str]]:
    d = draw_declines.c
    query = select(d.expert_id, d.reason).where(d.draw_id == draw_id).order_by(d.recorded_at, d.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def draws_of_expert_candidates(conn: Connection) -> list[DrawRecord]:
    """Draws whose committee is known (drawn or fixed)."""
    query = select(expert_draws).where(expert_draws.c.state.in_(("drawn", "fixed"))).order_by(expert_draws.c.id)
    return [_draw(row) for row in conn.execute(query)]
