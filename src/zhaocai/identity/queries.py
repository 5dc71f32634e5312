"""Read side of identity: what an actor may see of organisations and of itself. Refusals are raised for the caller
to audit (`authn.record_refusal`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotAuthenticated, NotFound
from zhaocai.identity import repository
from zhaocai.identity.access import is_system
from zhaocai.identity.model import ORGANISATION_READERS, Organisation, User


def organisation_view(conn: Connection, actor: Actor, org_id: str) -> Organisation:
    """An organisation's registration: for its own users, platform staff and supervisors."""
    if actor.user_id is None and not is_system(actor):
        raise NotAuthenticated("log in to read an organisation's registration")
    if not (is_system(actor) or actor.org_id == org_id or actor.has_role(*ORGANISATION_READERS)):
        raise Forbidden("this organisation's registration belongs to another organisation", code="other_organisation")
    org = repository.get_organisation(conn, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}", field="org_id")
    return org


@dataclass(frozen=True)
class Me:
    user: User
    organisation: Organisation | None


def me_view(conn: Connection, actor: Actor) -> Me:
    user = repository.get_user(conn, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotAuthenticated("log in first")
    org = repository.get_organisation(conn, user.org_id) if user.org_id else None
    return Me(user=user, organisation=org)
