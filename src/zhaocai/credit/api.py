"""Credit API (/api/v1/credit): the platform's own debarment and credit-restriction records, its operator and
affiliates (20号令23), control relationships and legal representatives (条例34).

Thin: parse, call the use case or view, render. The platform operator writes; the operator and supervisors read
everything; a market subject's users read what concerns their own organisation. Refused reads are audited.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request, status

from zhaocai.credit import views
from zhaocai.credit.schemas import (
    AffiliateIn,
    AffiliateOut,
    ControlIn,
    ControlOut,
    ReasonIn,
    RepresentativeIn,
    RepresentativeOut,
    RestrictionIn,
    RestrictionOut,
)
from zhaocai.credit.service import (
    do_end_control_relationship,
    do_lift_restriction,
    do_record_control_relationship,
    do_record_legal_representative,
    do_record_platform_affiliate,
    do_record_restriction,
    do_remove_platform_affiliate,
)
from zhaocai.web.auth import RequiredActorDep
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1/credit", tags=["credit"])
OrgFilter = Annotated[
    str | None, Query(min_length=1, max_length=26, pattern=r"^[0-9A-Za-z]+$", description="one organisation's")
]
T = TypeVar("T")

_DESCRIPTIONS = {
    401: "not authenticated",
    403: "forbidden: role or organisation rule",
    404: "not found",
    409: "conflicts with the current state",
    422: "invalid input (the field and rule are named)",
}


_errors = partial(refusals, _DESCRIPTIONS)


# --- restrictions ------------------------------------------------------------------------------------------------


@router.post(
    "/restrictions",
    status_code=status.HTTP_201_CREATED,
    summary="Record a debarment, credit restriction or court-defaulter listing (platform_operator)",
    responses=_errors(401, 403, 404, 422),
)
def record_restriction(body: RestrictionIn, uow: UowDep, actor: RequiredActorDep) -> RestrictionOut:
    found = do_record_restriction(
        uow=uow,
        actor=actor,
        org_id=body.org_id,
        kind=body.kind,
        reason=body.reason,
        basis=body.basis,
        from_day=body.from_day,
        until=body.until,
        decision_ref=body.decision_ref,
    )
    return RestrictionOut.of(found)


@router.post(
    "/restrictions/{restriction_id}/lift",
    summary="Lift a restriction early; the record stays (platform_operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def lift_restriction(restriction_id: Id, body: ReasonIn, uow: UowDep, actor: RequiredActorDep) -> RestrictionOut:
    return RestrictionOut.of(
        do_lift_restriction(uow=uow, actor=actor, restriction_id=restriction_id, reason=body.reason)
    )


@router.get(
    "/restrictions",
    summary="Credit records: all (operator, supervisor) or one's own organisation's",
    responses=_errors(401, 403),
)
def list_restrictions(
    request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep, org_id: OrgFilter = None
) -> list[RestrictionOut]:
    found = audited_read(container, actor, request, lambda conn: views.restrictions_view(conn, actor, org_id))
    return [RestrictionOut.of(item) for item in found]


@router.get(
    "/restrictions/{restriction_id}",
    summary="One credit record (operator, supervisor, or the subject itself)",
    responses=_errors(401, 403, 404),
)
def get_restriction(
    restriction_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> RestrictionOut:
    found = audited_read(
        container,
        actor,
        request,
        lambda conn: views.restriction_view(conn, actor, restriction_id),
    )
    return RestrictionOut.of(found)


# --- the platform's operator and affiliates -----------------------------------------------------------------------


@router.post(
    "/platform-affiliates",
    status_code=status.HTTP_201_CREATED,
    summary="Record the platform's operator or an affiliate of it, who may not bid here (20号令23)",
    responses=_errors(401, 403, 404, 409, 422),
)
def record_affiliate(body: AffiliateIn, uow: UowDep, actor: RequiredActorDep) -> AffiliateOut:
    found = do_record_platform_affiliate(
        uow=uow, actor=actor, org_id=body.org_id, relation=body.relation, description=body.description
    )
    return AffiliateOut.of(found)


@router.post(
    "/platform-affiliates/{affiliate_id}/remove",
    summary="End a platform-affiliate record (platform_operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def remove_affiliate(affiliate_id: Id, body: ReasonIn, uow: UowDep, actor: RequiredActorDep) -> AffiliateOut:
    return AffiliateOut.of(
        do_remove_platform_affiliate(uow=uow, actor=actor, affiliate_id=affiliate_id, reason=body.reason)
    )


@router.get(
    "/platform-affiliates",
    summary="Platform-affiliate records: all (operator, supervisor) or one's own organisation's",
    responses=_errors(401, 403),
)
def list_affiliates(
    request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep, org_id: OrgFilter = None
) -> list[AffiliateOut]:
    found = audited_read(container, actor, request, lambda conn: views.affiliates_view(conn, actor, org_id))
    return [AffiliateOut.of(item) for item in found]


# --- control relationships -----------------------------------------------------------------------------------------


@router.post(
    "/control-relationships",
    status_code=status.HTTP_201_CREATED,
    summary="Record a holding (控股) or management (管理) relationship between two organisations (条例34)",
    responses=_errors(401, 403, 404, 409, 422),
)
def record_control(body: ControlIn, uow: UowDep, actor: RequiredActorDep) -> ControlOut:
    found = do_record_control_relationship(
        uow=uow,
        actor=actor,
        parent_org_id=body.parent_org_id,
        child_org_id=body.child_org_id,
        relation=body.relation,
        share_percent=body.share_percent,
        source=body.source,
    )
    return ControlOut.of(found)


@router.post(
    "/control-relationships/{relationship_id}/end",
    summary="End a control relationship (platform_operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def end_control(relationship_id: Id, body: ReasonIn, uow: UowDep, actor: RequiredActorDep) -> ControlOut:
    return ControlOut.of(
        do_end_control_relationship(uow=uow, actor=actor, relationship_id=relationship_id, reason=body.reason)
    )


@router.get(
    "/control-relationships",
    summary="Control relationships: all (operator, supervisor) or those one's own organisation is part of",
    responses=_errors(401, 403),
)
def list_controls(
    request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep, org_id: OrgFilter = None
) -> list[ControlOut]:
    found = audited_read(container, actor, request, lambda conn: views.controls_view(conn, actor, org_id))
    return [ControlOut.of(item) for item in found]


# --- legal representatives -----------------------------------------------------------------------------------------


@router.put(
    "/legal-representatives/{org_id}",
    summary="Record the identity document of an organisation's legal representative (platform_operator)",
    responses=_errors(401, 403, 404, 422),
)
def record_representative(
    org_id: Id, body: RepresentativeIn, uow: UowDep, actor: RequiredActorDep
) -> RepresentativeOut:
    found = do_record_legal_representative(
        uow=uow, actor=actor, org_id=org_id, name=body.name, id_type=body.id_type, id_number=body.id_number
    )
    return RepresentativeOut.of(found)


@router.get(
    "/legal-representatives/{org_id}",
    summary="An organisation's legal representative, document number masked (operator, supervisor, itself)",
    responses=_errors(401, 403, 404),
)
def get_representative(
    org_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> RepresentativeOut:
    found = audited_read(
        container,
        actor,
        request,
        lambda conn: views.representative_view(conn, actor, org_id),
    )
    return RepresentativeOut.of(found)
