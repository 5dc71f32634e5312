"""Reading and writing the credit tables: rows in, plain records out (who recorded, when, and whether it has ended)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, select

from zhaocai.adapters.db.tables.credit import (
    control_relationships,
    credit_restrictions,
    legal_representatives,
    platform_affiliates,
)
from zhaocai.adapters.db.tables.identity import organisations
from zhaocai.core.errors import NotFound
from zhaocai.credit.model import AffiliateRelation, ControlRelation, IdType, Restriction
from zhaocai.credit.queries import restriction_from_row


@dataclass(frozen=True)
class Ending:
    at: datetime
    by: str | None
    reason: str | None


@dataclass(frozen=True)
class RestrictionRecord:
    restriction: Restriction
    recorded_at: datetime
    recorded_by: str | None
    lifted: Ending | None


@dataclass(frozen=True)
class AffiliateRecord:
    id: str
    org_id: str
    relation: AffiliateRelation
    description: str
    recorded_at: datetime
    recorded_by: str | None
    removed: Ending | None


@dataclass(frozen=True)
class ControlRecord:
    id: str
    parent_org_id: str
    child_org_id: str
    relation: ControlRelation
    share_percent: Decimal | None
    source: str
    recorded_at: datetime
    recorded_by: str | None
    ended: Ending | None


@dataclass(frozen=True)
class RepresentativeRecord:
    org_id: str
    name: str
    id_type: IdType
    id_number: str  # callers show it masked
    recorded_at: datetime
    recorded_by: str | None


def _ending(at: datetime | None, by: str | None, reason: str | None) -> Ending | None:
    return Ending(at, by, reason) if at is not None else None


def restriction_record(row: Any) -> RestrictionRecord:
    return RestrictionRecord(
        restriction=restriction_from_row(row),
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        lifted=_ending(row.lifted_at, row.lifted_by, row.lift_reason),
    )


def affiliate_record(row: Any) -> AffiliateRecord:
    return AffiliateRecord(
        id=row.id,
        org_id=row.org_id,
        relation=AffiliateRelation(row.relation),
        description=row.description,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        removed=_ending(row.removed_at, row.removed_by, row.remove_reason),
    )


def control_record(row: Any) -> ControlRecord:
    return ControlRecord(
        id=row.id,
        parent_org_id=row.parent_org_id,
        child_org_id=row.child_org_id,
        relation=ControlRelation(row.relation),
        share_percent=Decimal(row.share_percent) if row.share_percent is not None else None,
        source=row.source,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        ended=_ending(row.ended_at, row.ended_by, row.end_reason),
    )


def representative_record(row: Any) -> RepresentativeRecord:
    return RepresentativeRecord(
        org_id=row.org_id,
        name=row.name,
        id_type=IdType(row.id_type),
        id_number=row.id_number,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


def require_organisation(conn: Connection, org_id: str, *, field: str = "org_id") -> Any:
    row = conn.execute(
        select(organisations.c.id, organisations.c.name, organisations.c.legal_representative).where(
            organisations.c.id == org_id
        )
    ).first()
    if row is None:
        raise NotFound(f"no organisation {org_id}", field=field)
    return row


def _one(conn: Connection, query: Select, what: str, row_id: str, field: str) -> Any:
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no {what} {row_id}", field=field)
    return row


def get_restriction(conn: Connection, restriction_id: str) -> RestrictionRecord:
    query = select(credit_restrictions).where(credit_restrictions.c.id == restriction_id)
    return restriction_record(_one(conn, query, "credit record", restriction_id, "restriction_id"))


def get_affiliate(conn: Connection, affiliate_id: str) -> AffiliateRecord:
    query = select(platform_affiliates).where(platform_affiliates.c.id == affiliate_id)
    return affiliate_record(_one(conn, query, "platform affiliate record", affiliate_id, "affiliate_id"))


def get_control(conn: Connection, relationship_id: str) -> ControlRecord:
    query = select(control_relationships).where(control_relationships.c.id == relationship_id)
    return control_record(_one(conn, query, "control relationship", relationship_id, "relationship_id"))


def get_representative(conn: Connection, org_id: str) -> RepresentativeRecord | None:
    row = conn.execute(select(legal_representatives).where(legal_representatives.c.org_id == org_id)).first()
    return representative_record(row) if row else None


def list_restrictions(conn: Connection, org_id: str | None) -> list[RestrictionRecord]:
    query = select(credit_restrictions).order_by(credit_restrictions.c.recorded_at, credit_restrictions.c.id)
    if org_id is not None:
        query = query.where(credit_restrictions.c.org_id == org_id)
    return [restriction_record(row) for row in conn.execute(query)]


def list_affiliates(conn: Connection, org_id: str | None) -> list[AffiliateRecord]:
    query = select(platform_affiliates).order_by(platform_affiliates.c.recorded_at, platform_affiliates.c.id)
    if org_id is not None:
        query = query.where(platform_affiliates.c.org_id == org_id)
    return [affiliate_record(row) for row in conn.execute(query)]


def list_controls(conn: Connection, org_id: str | None) -> list[ControlRecord]:
    link = control_relationships.c
    query = select(control_relationships).order_by(link.recorded_at, link.id)
    if org_id is not None:
        query = query.where((link.parent_org_id == org_id) | (link.child_org_id == org_id))
    return [control_record(row) for row in conn.execute(query)]
