"""What other packages read about committees (the contract of issue 4). Platform-side reads: who may see a
committee list before the result is fixed (法37) is decided in `views`, not here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.experts import draw_members, expert_draws, experts
from zhaocai.adapters.db.tables.identity import users


@dataclass(frozen=True)
class CommitteeMember:
    member_id: str
    user_id: str  # the identity user who acts on the platform (role "expert", or the tenderer's representative)
    name: str
    kind: str  # "expert" | "tenderer_representative"
    specialty: str | None
    status: str  # "active" | "replaced" (条例48: a replaced member's work is void)
    certificate_fingerprint: str | None  # SHA-256 of the signing certificate DER the member signs with


@dataclass(frozen=True)
class Committee:
    lot_id: str
    draw_id: str
    fixed_at: datetime
    members: tuple[CommitteeMember, ...]  # active and replaced


def fixed_draw_id(conn: Connection, lot_id: str) -> str | None:
    query = select(expert_draws.c.id).where(expert_draws.c.lot_id == lot_id, expert_draws.c.state == "fixed")
    return conn.execute(query).scalar()


def committee_for(conn: Connection, lot_id: str) -> Committee | None:
    """The lot's committee once its draw result is fixed; None before."""
    row = conn.execute(
        select(expert_draws.c.id, expert_draws.c.fixed_at).where(
            expert_draws.c.lot_id == lot_id, expert_draws.c.state == "fixed"
        )
    ).first()
    if row is None:
        return None
    return Committee(lot_id=lot_id, draw_id=row.id, fixed_at=row.fixed_at, members=members_of(conn, row.id))


def members_of(conn: Connection, draw_id: str) -> tuple[CommitteeMember, ...]:
    query = (
        select(
            draw_members.c.id,
            draw_members.c.user_id,
            draw_members.c.kind,
            draw_members.c.status,
            experts.c.name,
            experts.c.specialties,
            experts.c.certificate_fingerprint,
            users.c.display_name,
        )
        .join(users, users.c.id == draw_members.c.user_id)
        .outerjoin(experts, experts.c.id == draw_members.c.expert_id)
        .where(draw_members.c.draw_id == draw_id)
        .order_by(draw_members.c.position)
    )
    return tuple(
        CommitteeMember(
            member_id=row.id,
            user_id=row.user_id,
            name=row.name or row.display_name,
            kind=row.kind,
            specialty=_first_specialty(row.specialties),
            status=row.status,
            certificate_fingerprint=row.certificate_fingerprint,
        )
        for row in conn.execute(query)
    )


def active_member(conn: Connection, lot_id: str, user_id: str) -> CommitteeMember | None:
    """The user's active membership of the lot's fixed committee, or None (not a member, replaced, not fixed)."""
    committee = committee_for(conn, lot_id)
    if committee is None:
        return None
    for member in committee.members:
        if member.user_id == user_id and member.status == "active":
            return member
    return None


def _first_specialty(encoded: str | None) -> str | None:
    if not encoded:
        return None
    codes = json.loads(encoded)
    return codes[0] if codes else None
