"""The three questions other domains ask of the credit records (bidding asks them at submission and at the deadline).

No access checks here: callers are use cases that decide what they may reveal (a refused bidder learns only about
itself; 条例34 pairs are acted on only at the deadline).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from sqlalchemy import BindParameter, ColumnElement, Connection, String, and_, bindparam, exists, or_, select

from zhaocai.adapters.db.statements import one_row
from zhaocai.adapters.db.tables.credit import (
    control_relationships,
    credit_restrictions,
    legal_representatives,
    platform_affiliates,
)
from zhaocai.adapters.db.tables.identity import organisations
from zhaocai.credit.model import (
    CONTROL_RELATIONSHIP,
    SAME_LEGAL_REPRESENTATIVE,
    AffiliateRelation,
    Representative,
    Restriction,
    RestrictionKind,
    in_force_on,
    most_binding,
    same_person,
)
from zhaocai.rules.table import local_day

__all__ = ["Restriction", "Standing", "related_pairs", "restriction_for", "standing"]


def restriction_from_row(row) -> Restriction:  # type: ignore[no-untyped-def]
    return Restriction(
        id=row.id,
        org_id=row.org_id,
        kind=RestrictionKind(row.kind),
        reason=row.reason,
        basis=row.basis,
        from_day=row.from_day,
        until=row.until_day,
        decision_ref=row.decision_ref,
    )


@dataclass(frozen=True)
class Standing:
    """What the credit records say of one organisation about bidding here."""

    affiliate: bool  # the platform's operator, an affiliate of it, or in a control relationship with the operator
    restriction: Restriction | None  # the binding debarment, credit restriction or court-defaulter record, if any


_ORG = bindparam("org_id", type_=String)
_DAY = bindparam("day", type_=credit_restrictions.c.from_day.type)
_AT = bindparam("at", type_=credit_restrictions.c.lifted_at.type)


def _affiliate(org_id: BindParameter) -> ColumnElement[bool]:
    """`org_id` is recorded as this platform's operator or an affiliate of it, or is in a recorded holding or
    management relationship (either way round) with an organisation recorded as the operator (20号令23)."""
    active = platform_affiliates.c.removed_at.is_(None)
    direct = select(platform_affiliates.c.id).where(platform_affiliates.c.org_id == org_id, active)
    operators = select(platform_affiliates.c.org_id).where(
        active, platform_affiliates.c.relation == AffiliateRelation.OPERATOR.value
    )
    link = control_relationships.c
    linked = select(link.id).where(
        link.ended_at.is_(None),
        or_(
            and_(link.parent_org_id == org_id, link.child_org_id.in_(operators)),
            and_(link.child_org_id == org_id, link.parent_org_id.in_(operators)),
        ),
    )
    return or_(exists(direct), exists(linked))


# Records that may bind on the day (a record lifted at or before the instant no longer binds); `in_force_on` then
# applies the end day.
_MAY_BIND = and_(
    credit_restrictions.c.org_id == _ORG,
    credit_restrictions.c.from_day <= _DAY,
    or_(credit_restrictions.c.lifted_at.is_(None), credit_restrictions.c.lifted_at > _AT),
)
# Built once, one statement: a bid asks both questions twice (before its upload and in its transaction).
_STANDING = select(_affiliate(_ORG).label("affiliate"), credit_restrictions).select_from(
    one_row().outerjoin(credit_restrictions, _MAY_BIND)
)


def standing(conn: Connection, org_id: str, at: datetime) -> Standing:
    """The organisation's standing at `at` (days counted in Asia/Shanghai). Of several records in force, the
    longest-lasting binds."""
    day = local_day(at)
    rows = conn.execute(_STANDING, {"org_id": org_id, "day": day, "at": at}).all()
    restrictions = [restriction_from_row(row) for row in rows if row.id is not None]
    return Standing(
        affiliate=bool(rows[0].affiliate),
        restriction=most_binding([r for r in restrictions if in_force_on(r, day)]),
    )


def restriction_for(conn: Connection, org_id: str, at: datetime) -> Restriction | None:
    """The debarment, credit restriction or court-defaulter record in force for `org_id` at `at`, if any."""
    return standing(conn, org_id, at).restriction


def related_pairs(conn: Connection, org_ids: Collection[str]) -> list[tuple[str, str, str]]:
    """Pairs among `org_ids` that 条例34 keeps from bidding the same lot: the same legal representative
    ("same_legal_representative": same identity document when both are recorded, else the same normalised name
    on the registrations) or a recorded holding or management relationship in force between the two themselves
    ("control_relationship"; two subsidiaries of one parent are not a pair). Each pair is (smaller id, larger id,
    reason), one triple per reason, sorted."""
    ids = sorted(set(org_ids))
    if len(ids) < 2:
        return []
    found: set[tuple[str, str, str]] = set()
    people = _representatives(conn, ids)
    for a, b in combinations(ids, 2):
        if a in people and b in people and same_person(people[a], people[b]):
            found.add((a, b, SAME_LEGAL_REPRESENTATIVE))
    link = control_relationships.c
    for parent, child in conn.execute(
        select(link.parent_org_id, link.child_org_id).where(
            link.ended_at.is_(None), link.parent_org_id.in_(ids), link.child_org_id.in_(ids)
        )
    ):
        first, second = sorted((parent, child))
        found.add((first, second, CONTROL_RELATIONSHIP))
    return sorted(found)


def _representatives(conn: Connection, ids: list[str]) -> dict[str, Representative]:
    documents = {
        row.org_id: (row.id_type, row.id_number)
        for row in conn.execute(select(legal_representatives).where(legal_representatives.c.org_id.in_(ids)))
    }
    return {
        row.id: Representative(org_id=row.id, name=row.legal_representative, document=documents.get(row.id))
        for row in conn.execute(
            select(organisations.c.id, organisations.c.legal_representative).where(organisations.c.id.in_(ids))
        )
    }
