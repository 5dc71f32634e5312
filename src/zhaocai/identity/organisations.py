"""Use cases for market subjects (市场主体): registration by anyone, verification by the platform operator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, NotFound
from zhaocai.core.ids import new_id
from zhaocai.identity import repository
from zhaocai.identity.access import require_role
from zhaocai.identity.env import IdentityEnv
from zhaocai.identity.model import (
    ROLE_FOR_KIND,
    Organisation,
    OrganisationDraft,
    OrgStatus,
    Role,
    transition_organisation,
    validate_registration,
)
from zhaocai.identity.users import new_user
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class Registered:
    org_id: str
    user_id: str
    status: OrgStatus


@use_case("identity.register_organisation", object_type="organisation")
def do_register_organisation(
    *,
    uow: UnitOfWork,
    actor: Actor,
    env: IdentityEnv,
    draft: OrganisationDraft,
    username: str,
    display_name: str,
    email: str,
    phone: str | None,
    password: str,
) -> Registered:
    """Register a market subject (status pending) and its first user, who becomes the organisation's
    administrator and holds the roles of the kinds it registered as."""
    draft = validate_registration(draft)
    if repository.find_organisation_by_credit_code(uow.conn, draft.credit_code) is not None:
        raise Conflict(
            f"an organisation with 统一社会信用代码 {draft.credit_code} is already registered",
            field="credit_code",
            code="duplicate_credit_code",
        )
    now = uow.clock.now()
    org = Organisation(
        id=new_id(),
        status=OrgStatus.PENDING,
        registered_at=now,
        **{name: getattr(draft, name) for name in OrganisationDraft.__dataclass_fields__},
    )
    uow.audit.object_id = org.id  # type: ignore[attr-defined]
    try:
        with uow.conn.begin_nested():  # a concurrent registration of the same code is a conflict, not a crash
            repository.insert_organisation(uow.conn, org)
    except IntegrityError:
        raise Conflict(
            f"an organisation with 统一社会信用代码 {draft.credit_code} is already registered",
            field="credit_code",
            code="duplicate_credit_code",
        ) from None
    user = new_user(
        uow,
        env,
        org=org,
        username=username,
        display_name=display_name,
        email=email,
        phone=phone,
        roles=frozenset(ROLE_FOR_KIND[kind] for kind in draft.kinds),
        password=password,
        org_admin=True,
        granted_by=None,
    )
    return Registered(org_id=org.id, user_id=user.id, status=org.status)


def _decide(uow: UnitOfWork, actor: Actor, org_id: str, event: str, reason: str | None) -> Organisation:
    require_role(actor, Role.PLATFORM_OPERATOR, action=f"to {event} a market subject")
    org = repository.get_organisation(uow.conn, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}", field="org_id")
    org = transition_organisation(org, event, at=uow.clock.now(), by=actor.user_id, reason=reason)
    repository.save_organisation_status(uow.conn, org)
    return org


@use_case("identity.verify_organisation", object_type="organisation")
def do_verify_organisation(*, uow: UnitOfWork, actor: Actor, org_id: str, note: str | None = None) -> Organisation:
    return _decide(uow, actor, org_id, "verify", note)


@use_case("identity.reject_organisation", object_type="organisation")
def do_reject_organisation(*, uow: UnitOfWork, actor: Actor, org_id: str, reason: str) -> Organisation:
    return _decide(uow, actor, org_id, "reject", reason)


@use_case("identity.suspend_organisation", object_type="organisation")
def do_suspend_organisation(*, uow: UnitOfWork, actor: Actor, org_id: str, reason: str) -> Organisation:
    return _decide(uow, actor, org_id, "suspend", reason)


@use_case("identity.reinstate_organisation", object_type="organisation")
def do_reinstate_organisation(*, uow: UnitOfWork, actor: Actor, org_id: str, note: str | None = None) -> Organisation:
    return _decide(uow, actor, org_id, "reinstate", note)
