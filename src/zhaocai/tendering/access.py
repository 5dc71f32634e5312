"""Who may act on a tender: its tenderer (招标人) or the agency it appointed (招标代理机构, 法12), a verified
bidder for a bidder's act, a supervisor for a supervisory act. Every check refuses with Forbidden naming the rule;
the use case's audit entry records the refusal."""

from __future__ import annotations

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden
from zhaocai.identity.access import is_system, require_role, require_user, require_verified_organisation
from zhaocai.identity.model import Role
from zhaocai.tendering.model import TenderProject

TENDER_SIDE_ROLES = (Role.TENDERER.value, Role.AGENT.value)
# Who may read a tender that has not been published yet, besides its own parties.
STAFF_READERS = frozenset(
    {Role.SUPERVISOR.value, Role.PLATFORM_OPERATOR.value, Role.SYSTEM_ADMIN.value, Role.AUDIT_ADMIN.value}
)


def is_tender_party(actor: Actor, tender: TenderProject) -> bool:
    """The actor speaks for the tenderer, or for the agency the tender names."""
    if actor.org_id is None:
        return False
    if actor.org_id == tender.tenderer_org_id and actor.has_role(Role.TENDERER.value):
        return True
    return tender.agent_org_id is not None and actor.org_id == tender.agent_org_id and actor.has_role(Role.AGENT.value)


def require_tender_party(uow: UnitOfWork, actor: Actor, tender: TenderProject, *, action: str) -> None:
    """Only the tender's own tenderer (a verified organisation) or its appointed agency acts on it."""
    if is_system(actor):
        return
    require_role(actor, *TENDER_SIDE_ROLES, action=action)
    require_verified_organisation(uow, actor)
    if not is_tender_party(actor, tender):
        raise Forbidden(
            f"tender {tender.number} belongs to another organisation: only its tenderer or the agency it appointed "
            f"(法12) may {action}",
            field="tender_id",
            code="other_organisation",
        )


def require_tenderer(uow: UnitOfWork, actor: Actor, *, action: str) -> str:
    """A verified tenderer organisation acting for itself; returns its id."""
    require_role(actor, Role.TENDERER.value, action=action)
    require_verified_organisation(uow, actor)
    if actor.org_id is None:
        raise Forbidden(f"{action} is done by a tenderer organisation's user", field="org_id", code="no_organisation")
    return actor.org_id


def require_bidder(uow: UnitOfWork, actor: Actor, *, action: str) -> str:
    """A verified bidder organisation (潜在投标人) acting for itself; returns its id."""
    require_user(actor)
    require_role(actor, Role.BIDDER.value, action=action)
    require_verified_organisation(uow, actor)
    if actor.org_id is None:
        raise Forbidden(f"{action} is done by a bidder organisation's user", field="org_id", code="no_organisation")
    return actor.org_id


def require_supervisor(actor: Actor, *, action: str) -> None:
    require_role(actor, Role.SUPERVISOR.value, action=action)
