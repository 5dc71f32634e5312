"""API tokens for machine clients (a bidder tool, a hub connector): shown once, stored as SHA-256, expire after
`api_token_ttl_days`, revocable. A token acts as its user with that user's current roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from zhaocai.adapters.db.tables.identity import api_tokens
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, NotFound
from zhaocai.core.ids import new_id, new_token
from zhaocai.identity import repository
from zhaocai.identity.access import acting_user, is_system, require_verified_organisation
from zhaocai.identity.env import IdentityEnv
from zhaocai.identity.model import Role, clean_text, token_digest
from zhaocai.usecase import use_case

TOKEN_PREFIX = "zcat_"  # noqa: S105 (a prefix, not a secret): lets secret scanners recognise a leaked token


@dataclass(frozen=True)
class NewApiToken:
    token_id: str
    token: str  # shown once
    name: str
    expires_at: datetime


@use_case("identity.create_api_token", object_type="api_token")
def do_create_api_token(*, uow: UnitOfWork, actor: Actor, env: IdentityEnv, name: str) -> NewApiToken:
    me = acting_user(uow, actor)
    if actor.auth_method == "api_token":
        raise Forbidden("an API token cannot create API tokens; log in to create one", code="token_cannot_mint")
    require_verified_organisation(uow, actor)
    name = clean_text(name, field_name="name", max_length=100, label="token name")
    now = uow.clock.now()
    token_id = new_id()
    uow.audit.object_id = token_id  # type: ignore[attr-defined]
    token = TOKEN_PREFIX + new_token(32)
    expires_at = now + timedelta(days=env.policy.api_token_ttl_days)
    repository.insert_row(
        uow.conn,
        api_tokens,
        id=token_id,
        token_hash=token_digest(token),
        user_id=me.id,
        name=name,
        created_at=now,
        expires_at=expires_at,
    )
    return NewApiToken(token_id=token_id, token=token, name=name, expires_at=expires_at)


@use_case("identity.revoke_api_token", object_type="api_token")
def do_revoke_api_token(*, uow: UnitOfWork, actor: Actor, token_id: str) -> None:
    """Its owner or a security administrator revokes a token."""
    row = repository.get_row(uow.conn, api_tokens, token_id)
    if row is None:
        raise NotFound(f"no API token {token_id}", field="token_id")
    if row["user_id"] != actor.user_id and not (is_system(actor) or actor.has_role(Role.SECURITY_ADMIN)):
        raise Forbidden("this API token belongs to another user", field="token_id", code="other_user")
    if row["revoked_at"] is not None:
        raise Conflict("this API token is already revoked", field="token_id", code="already_revoked")
    repository.update_row(uow.conn, api_tokens, token_id, revoked_at=uow.clock.now())
