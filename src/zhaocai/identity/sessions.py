"""Server-side sessions: the browser holds a random token (cookie `zc_session`); the database keeps its SHA-256.

The CSRF token is derived from the session token (HMAC), so it needs no storage, cannot be computed from what the
database holds, and a page can always re-derive it for its forms.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from zhaocai.adapters.db.tables.identity import sessions
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotAuthenticated
from zhaocai.core.ids import new_id, new_token
from zhaocai.identity import repository
from zhaocai.identity.model import IdentityPolicy, User, session_expiry, token_digest
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class NewSession:
    session_id: str
    token: str  # goes into the cookie; never stored
    csrf_token: str
    user_id: str
    auth_method: str
    expires_at: datetime


def csrf_token_for(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"zhaocai csrf", hashlib.sha256).hexdigest()


def start_session(
    uow: UnitOfWork,
    user: User,
    *,
    auth_method: str,
    policy: IdentityPolicy,
    client_ip: str | None,
    cert_serial: str | None = None,
) -> NewSession:
    token = new_token(32)
    now = uow.clock.now()
    expires_at = session_expiry(now, now, policy)
    session_id = new_id()
    repository.insert_row(
        uow.conn,
        sessions,
        id=session_id,
        token_hash=token_digest(token),
        user_id=user.id,
        auth_method=auth_method,
        cert_serial=cert_serial,
        client_ip=client_ip,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
    )
    return NewSession(session_id, token, csrf_token_for(token), user.id, auth_method, expires_at)


@use_case("identity.logout", object_type="session")
def do_end_session(*, uow: UnitOfWork, actor: Actor, session_id: str) -> None:
    row = repository.get_row(uow.conn, sessions, session_id)
    if row is None or row["ended_at"] is not None:
        raise NotAuthenticated("no such session, or it has already ended", code="session_invalid")
    if row["user_id"] != actor.user_id:
        raise Forbidden("this session belongs to another user", code="other_user")
    repository.update_row(uow.conn, sessions, session_id, ended_at=uow.clock.now())


def actor_for(user: User, *, ip: str | None, auth_method: str, cert_serial: str | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        org_id=user.org_id,
        roles=frozenset(role.value for role in user.roles),
        ip=ip,
        cert_serial=cert_serial,
        auth_method=auth_method,
    )
