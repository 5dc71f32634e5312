"""Authenticating a request: a session token (cookie) or an API token (Bearer) becomes an Actor.

These are reads, plus a bookkeeping write that is deliberately not a use case: a session's idle clock and a token's
last use are refreshed at most once a minute (auditing every request would drown the log). Refusals are audited
through `do_refuse_request`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from zhaocai.adapters.db.tables.identity import api_tokens, sessions
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, DomainError, Forbidden, Locked, NotAuthenticated, NotFound, ValidationFailed
from zhaocai.identity import repository
from zhaocai.identity.model import IdentityPolicy, User, UserStatus, is_expired, session_expiry, token_digest
from zhaocai.identity.sessions import actor_for, csrf_token_for
from zhaocai.usecase import use_case

TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    session_id: str | None = None
    csrf_token: str | None = None  # what a cookie-authenticated unsafe request must send in X-CSRF-Token


def _require_active(user: User) -> None:
    if user.status is not UserStatus.ACTIVE:
        raise NotAuthenticated("this account is disabled", code="account_disabled")


def authenticate_session(uow: UnitOfWork, token: str, *, ip: str | None, policy: IdentityPolicy) -> Authenticated:
    found = repository.find_token_holder(uow.conn, sessions, token_digest(token))
    if found is None:
        raise NotAuthenticated("invalid session: log in again", code="session_invalid")
    row, user = found
    now = uow.clock.now()
    if row["ended_at"] is not None:
        raise NotAuthenticated("session ended (logged out): log in again", code="session_ended")
    if is_expired(row["expires_at"], now):
        raise NotAuthenticated("session expired: log in again", code="session_expired")
    _require_active(user)
    if now - row["last_seen_at"] >= TOUCH_INTERVAL:
        repository.update_row(
            uow.conn,
            sessions,
            row["id"],
            last_seen_at=now,
            expires_at=session_expiry(row["created_at"], now, policy),
        )
    actor = actor_for(user, ip=ip, auth_method=row["auth_method"], cert_serial=row["cert_serial"])
    return Authenticated(actor=actor, session_id=row["id"], csrf_token=csrf_token_for(token))


def authenticate_api_token(uow: UnitOfWork, token: str, *, ip: str | None) -> Authenticated:
    found = repository.find_token_holder(uow.conn, api_tokens, token_digest(token))
    if found is None:
        raise NotAuthenticated("invalid API token", code="token_invalid")
    row, user = found
    now = uow.clock.now()
    if row["revoked_at"] is not None:
        raise NotAuthenticated("token revoked", code="token_revoked")
    if is_expired(row["expires_at"], now):
        raise NotAuthenticated("token expired", code="token_expired")
    _require_active(user)
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOUCH_INTERVAL:
        uow.commit_without_waiting_for_disk()  # a lost last-use time harms no one; a durable commit per bid would
        repository.update_row(uow.conn, api_tokens, row["id"], last_used_at=now)
    return Authenticated(actor=actor_for(user, ip=ip, auth_method="api_token"))


_REFUSALS: dict[int, type[DomainError]] = {
    cls.status: cls for cls in (ValidationFailed, NotAuthenticated, Forbidden, NotFound, Conflict, Locked)
}


@use_case("auth.request", object_type="request")
def do_refuse_request(
    *,
    uow: UnitOfWork,
    actor: Actor,
    status: int,
    code: str,
    message: str,
    request: str,
    field: str | None = None,
) -> None:
    """Record a refusal made outside a use case (authenticating a request, a read the actor may not make), then
    raise it. `request` is e.g. "POST /api/v1/users"."""
    uow.audit.object_id = request[:80]  # type: ignore[attr-defined]
    raise _REFUSALS.get(status, DomainError)(message, code=code, field=field)


def record_refusal(uow: UnitOfWork, actor: Actor, error: DomainError, *, request: str) -> None:
    """Audit `error` as a refusal of `request` and raise it — the caller's own error, citation and detail intact."""
    try:
        do_refuse_request(
            uow=uow,
            actor=actor,
            status=error.status,
            code=error.code,
            message=error.message,
            request=request,
            field=error.field,
        )
    except DomainError:
        raise error from None
