"""Access checks every use case makes itself (not only its router): who is acting, with which role, for which
organisation. Refusals are Forbidden/NotAuthenticated naming the rule; the use case's audit entry records them.
"""

from __future__ import annotations

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotAuthenticated
from zhaocai.identity import repository
from zhaocai.identity.model import Organisation, OrgStatus, User, UserStatus

SYSTEM_ROLE = "system"  # the platform itself: CLI commands and scheduled jobs (core.actor.SYSTEM)


def is_system(actor: Actor) -> bool:
    return SYSTEM_ROLE in actor.roles


def require_user(actor: Actor) -> str:
    if actor.user_id is None:
        raise NotAuthenticated("log in first: this action needs an authenticated user", code="not_authenticated")
    return actor.user_id


def require_role(actor: Actor, *roles: str, action: str) -> None:
    """Refuse unless the actor holds one of `roles` (the system actor holds them all)."""
    if is_system(actor) or actor.has_role(*roles):
        return
    require_user(actor)
    held = ", ".join(sorted(actor.roles)) or "no role"
    raise Forbidden(f"{action} requires the role {' or '.join(roles)}; you hold {held}", field="role", code="role")


def require_own_organisation(actor: Actor, org_id: str | None, *, what: str) -> None:
    """`what` names the object for the refusal: "this user" -> "this user belongs to another organisation"."""
    if is_system(actor):
        return
    if actor.org_id is None or actor.org_id != org_id:
        raise Forbidden(f"{what} belongs to another organisation", code="other_organisation")


def require_verified_organisation(uow: UnitOfWork, actor: Actor) -> Organisation | None:
    """A market subject acts only once the platform has verified its registration; platform staff have no
    organisation and pass. Returns the actor's organisation."""
    if actor.org_id is None:
        return None
    org = repository.get_organisation(uow.conn, actor.org_id)
    if org is None or org.status is not OrgStatus.VERIFIED:
        status = org.status if org else "unknown"
        raise Forbidden(
            f"organisation not verified (status {status}): a market subject may act only after the platform has "
            "verified its registration",
            code="organisation_not_verified",
        )
    return org


def acting_user(uow: UnitOfWork, actor: Actor) -> User:
    """The acting user as stored now (roles may have changed since the session began)."""
    user = repository.get_user(uow.conn, require_user(actor))
    if user is None or user.status is not UserStatus.ACTIVE:
        raise NotAuthenticated("this account no longer exists or is disabled", code="account_disabled")
    return user
