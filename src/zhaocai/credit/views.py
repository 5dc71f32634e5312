"""Who may read which credit records: the platform operator and supervisors read all of them; a market subject's
users read the records about their own organisation only. Refusals are raised for the caller to audit."""

from __future__ import annotations

from sqlalchemy import Connection

from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotAuthenticated, NotFound
from zhaocai.credit import records
from zhaocai.identity.access import is_system
from zhaocai.identity.model import Role

CREDIT_READERS = frozenset({Role.PLATFORM_OPERATOR.value, Role.SUPERVISOR.value})


def reads_all(actor: Actor) -> bool:
    return is_system(actor) or actor.has_role(*CREDIT_READERS)


def scope_for(actor: Actor, org_id: str | None) -> str | None:
    """The organisation whose records `actor` may list (None = every organisation's)."""
    if reads_all(actor):
        return org_id
    if actor.user_id is None:
        raise NotAuthenticated("log in to read credit records")
    if actor.org_id is None or (org_id is not None and org_id != actor.org_id):
        raise Forbidden(
            "credit records about another organisation are read only by the platform operator and supervisors",
            field="org_id",
            code="other_organisation",
        )
    return actor.org_id


def restrictions_view(conn: Connection, actor: Actor, org_id: str | None) -> list[records.RestrictionRecord]:
    return records.list_restrictions(conn, scope_for(actor, org_id))


def restriction_view(conn: Connection, actor: Actor, restriction_id: str) -> records.RestrictionRecord:
    found = records.get_restriction(conn, restriction_id)
    scope_for(actor, found.restriction.org_id)
    return found


def affiliates_view(conn: Connection, actor: Actor, org_id: str | None) -> list[records.AffiliateRecord]:
    return records.list_affiliates(conn, scope_for(actor, org_id))


def controls_view(conn: Connection, actor: Actor, org_id: str | None) -> list[records.ControlRecord]:
    return records.list_controls(conn, scope_for(actor, org_id))


def representative_view(conn: Connection, actor: Actor, org_id: str) -> records.RepresentativeRecord:
    scope_for(actor, org_id)
    found = records.get_representative(conn, org_id)
    if found is None:
        raise NotFound(f"no identity document recorded for the legal representative of {org_id}", field="org_id")
    return found
