"""Callers of the tendering API: verified subjects and staff made through the use cases, each with an API token."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.identity.api_tokens import do_create_api_token
from zhaocai.identity.env import identity_env
from zhaocai.identity.repository import get_user
from zhaocai.identity.service import do_create_user
from zhaocai.identity.sessions import actor_for
from zhaocai.tendering.scenario import market_subject


@dataclass
class Caller:
    actor: Actor
    headers: dict[str, str]

    @property
    def org_id(self) -> str | None:
        return self.actor.org_id


def with_token(container, actor: Actor) -> Caller:
    token = do_create_api_token(uow=container.uow(), actor=actor, env=identity_env(container), name="test")
    return Caller(actor, {"Authorization": f"Bearer {token.token}"})


def subject(container, kind: str, username: str) -> Caller:
    return with_token(container, market_subject(container, kind=kind, username=username))


def staff(container, username: str, role: str) -> Caller:
    created = do_create_user(
        uow=container.uow(),
        actor=SYSTEM,
        env=identity_env(container),
        org_id=None,
        username=username,
        display_name=username,
        email=f"{username}@example.com",
        roles=frozenset({role}),
        password="Correct-Horse-7",
    )
    with container.engine.connect() as conn:
        user = get_user(conn, created.user_id)
    return with_token(container, actor_for(user, ip="127.0.0.1", auth_method="password"))


def audit_rows(container, action: str | None = None) -> list[dict]:
    query = select(audit_entries).order_by(audit_entries.c.id)
    if action:
        query = query.where(audit_entries.c.action == action)
    with container.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
