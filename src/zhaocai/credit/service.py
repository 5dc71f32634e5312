"""Use cases on the platform's credit records. The platform operator records and ends them; each is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import insert, select, update

from zhaocai.adapters.db.tables.credit import (
    control_relationships,
    credit_restrictions,
    legal_representatives,
    platform_affiliates,
)
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.credit import records
from zhaocai.credit.model import (
    AffiliateRelation,
    ControlRelation,
    IdType,
    RestrictionDraft,
    RestrictionKind,
    clean_id_number,
    clean_text,
    normalise_person_name,
    parse_share_percent,
    validate_restriction,
)
from zhaocai.identity.access import require_role
from zhaocai.identity.model import Role
from zhaocai.usecase import use_case

OPERATOR = Role.PLATFORM_OPERATOR.value
E = TypeVar("E", bound=StrEnum)


def _reason(value: str) -> str:
    return clean_text(value, field="reason", max_length=2000, label="the reason")


# --- debarments, credit restrictions, court-listed defaulters ----------------------------------------------------


@use_case("credit.record_restriction", object_type="organisation")
def do_record_restriction(
    *,
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    kind: RestrictionKind | str,
    reason: str,
    basis: str,
    from_day: date,
    until: date | None,
    decision_ref: str | None = None,
) -> records.RestrictionRecord:
    """Record a debarment (条例67/68), credit restriction or court-defaulter listing (失信被执行人) against a
    market subject; while in force it is refused at bid submission."""
    require_role(actor, OPERATOR, action="recording a credit restriction")
    records.require_organisation(uow.conn, org_id)
    draft = validate_restriction(
        RestrictionDraft(
            org_id=org_id,
            kind=_enum(RestrictionKind, kind, "kind"),
            reason=reason,
            basis=basis,
            from_day=from_day,
            until=until,
            decision_ref=decision_ref,
        )
    )
    restriction_id = new_id()
    uow.conn.execute(
        insert(credit_restrictions).values(
            id=restriction_id,
            org_id=draft.org_id,
            kind=draft.kind.value,
            reason=draft.reason,
            basis=draft.basis,
            decision_ref=draft.decision_ref,
            from_day=draft.from_day,
            until_day=draft.until,
            recorded_at=uow.clock.now(),
            recorded_by=actor.user_id,
        )
    )
    return records.get_restriction(uow.conn, restriction_id)


@use_case("credit.lift_restriction", object_type="credit_restriction")
def do_lift_restriction(
    *, uow: UnitOfWork, actor: Actor, restriction_id: str, reason: str
) -> records.RestrictionRecord:
    """End a restriction early (a decision revoked, a defaulter removed from the list); the record stays."""
    require_role(actor, OPERATOR, action="lifting a credit restriction")
    found = records.get_restriction(uow.conn, restriction_id)
    if found.lifted is not None:
        raise Conflict(f"credit record {restriction_id} was already lifted", field="restriction_id", code="lifted")
    uow.conn.execute(
        update(credit_restrictions)
        .where(credit_restrictions.c.id == restriction_id)
        .values(lifted_at=uow.clock.now(), lifted_by=actor.user_id, lift_reason=_reason(reason))
    )
    return records.get_restriction(uow.conn, restriction_id)


# --- the platform's operator and its affiliates (20号令23) ---------------------------------------------------------


@use_case("credit.record_platform_affiliate", object_type="organisation")
def do_record_platform_affiliate(
    *, uow: UnitOfWork, actor: Actor, org_id: str, relation: AffiliateRelation | str, description: str
) -> records.AffiliateRecord:
    """Record the platform's operator, or a unit affiliated with it; neither may bid on this platform (20号令23)."""
    require_role(actor, OPERATOR, action="recording a platform affiliate")
    records.require_organisation(uow.conn, org_id)
    kind = _enum(AffiliateRelation, relation, "relation")
    text = clean_text(description, field="description", max_length=2000, label="the description")
    active = select(platform_affiliates.c.id).where(
        platform_affiliates.c.org_id == org_id, platform_affiliates.c.removed_at.is_(None)
    )
    if uow.conn.execute(active).first():
        raise Conflict(f"organisation {org_id} is already recorded as an affiliate", field="org_id", code="duplicate")
    affiliate_id = new_id()
    uow.conn.execute(
        insert(platform_affiliates).values(
            id=affiliate_id,
            org_id=org_id,
            relation=kind.value,
            description=text,
            recorded_at=uow.clock.now(),
            recorded_by=actor.user_id,
        )
    )
    return records.get_affiliate(uow.conn, affiliate_id)


@use_case("credit.remove_platform_affiliate", object_type="platform_affiliate")
def do_remove_platform_affiliate(
    *, uow: UnitOfWork, actor: Actor, affiliate_id: str, reason: str
) -> records.AffiliateRecord:
    require_role(actor, OPERATOR, action="removing a platform affiliate")
    found = records.get_affiliate(uow.conn, affiliate_id)
    if found.removed is not None:
        raise Conflict(f"record {affiliate_id} was already removed", field="affiliate_id", code="removed")
    uow.conn.execute(
        update(platform_affiliates)
        .where(platform_affiliates.c.id == affiliate_id)
        .values(removed_at=uow.clock.now(), removed_by=actor.user_id, remove_reason=_reason(reason))
    )
    return records.get_affiliate(uow.conn, affiliate_id)


# --- holding and management relationships (条例34) ---------------------------------------------------------------


@use_case("credit.record_control_relationship", object_type="organisation")
def do_record_control_relationship(
    *,
    uow: UnitOfWork,
    actor: Actor,
    parent_org_id: str,
    child_org_id: str,
    relation: ControlRelation | str,
    share_percent: Decimal | str | None,
    source: str,
) -> records.ControlRecord:
    """Record that `parent_org_id` holds (控股) or manages (管理) `child_org_id`, and where that is known from
    (e.g. 国家企业信用信息公示系统, queried on a date)."""
    require_role(actor, OPERATOR, action="recording a control relationship")
    if parent_org_id == child_org_id:
        raise ValidationFailed("an organisation cannot control itself", field="child_org_id")
    records.require_organisation(uow.conn, parent_org_id, field="parent_org_id")
    records.require_organisation(uow.conn, child_org_id, field="child_org_id")
    kind = _enum(ControlRelation, relation, "relation")
    share = parse_share_percent(share_percent)
    link = control_relationships.c
    duplicate = select(link.id).where(
        link.parent_org_id == parent_org_id,
        link.child_org_id == child_org_id,
        link.relation == kind.value,
        link.ended_at.is_(None),
    )
    if uow.conn.execute(duplicate).first():
        raise Conflict("this relationship is already recorded", field="child_org_id", code="duplicate")
    relationship_id = new_id()
    uow.conn.execute(
        insert(control_relationships).values(
            id=relationship_id,
            parent_org_id=parent_org_id,
            child_org_id=child_org_id,
            relation=kind.value,
            share_percent=str(share) if share is not None else None,
            source=clean_text(source, field="source", max_length=2000, label="the source"),
            recorded_at=uow.clock.now(),
            recorded_by=actor.user_id,
        )
    )
    return records.get_control(uow.conn, relationship_id)


@use_case("credit.end_control_relationship", object_type="control_relationship")
def do_end_control_relationship(
    *, uow: UnitOfWork, actor: Actor, relationship_id: str, reason: str
) -> records.ControlRecord:
    require_role(actor, OPERATOR, action="ending a control relationship")
    found = records.get_control(uow.conn, relationship_id)
    if found.ended is not None:
        raise Conflict(f"relationship {relationship_id} has already ended", field="relationship_id", code="ended")
    uow.conn.execute(
        update(control_relationships)
        .where(control_relationships.c.id == relationship_id)
        .values(ended_at=uow.clock.now(), ended_by=actor.user_id, end_reason=_reason(reason))
    )
    return records.get_control(uow.conn, relationship_id)


# --- legal representatives' identity documents --------------------------------------------------------------------


@use_case("credit.record_legal_representative", object_type="organisation")
def do_record_legal_representative(
    *, uow: UnitOfWork, actor: Actor, org_id: str, name: str, id_type: IdType | str, id_number: str
) -> records.RepresentativeRecord:
    """Record (or replace) the identity document of an organisation's legal representative, so that 条例34 tells
    namesakes apart. The name must be the one on the organisation's registration."""
    require_role(actor, OPERATOR, action="recording a legal representative")
    org = records.require_organisation(uow.conn, org_id)
    if normalise_person_name(name) != normalise_person_name(org.legal_representative):
        raise ValidationFailed(
            "the name differs from the legal representative on the organisation's registration; "
            "correct the registration first",
            field="name",
        )
    kind = _enum(IdType, id_type, "id_type")
    values = {
        "name": org.legal_representative,
        "id_type": kind.value,
        "id_number": clean_id_number(kind, id_number),
        "recorded_at": uow.clock.now(),
        "recorded_by": actor.user_id,
    }
    table = legal_representatives
    if records.get_representative(uow.conn, org_id) is None:
        uow.conn.execute(insert(table).values(org_id=org_id, **values))
    else:
        uow.conn.execute(update(table).where(table.c.org_id == org_id).values(**values))
    found = records.get_representative(uow.conn, org_id)
    assert found is not None
    return found


def _enum(kind: type[E], value: object, field: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValidationFailed(f"{field} must be one of {allowed}", field=field) from None
