"""Who is calling: FastAPI dependencies that turn a session cookie or an API token into an Actor.

- `current_actor`: the caller, or an anonymous Actor carrying only the client address.
- `require_actor`: the caller, or 401.
Browser sessions ride on the `zc_session` cookie (HttpOnly, SameSite=Strict); every unsafe request made with it
must also send `X-CSRF-Token` (given at login) and, when the browser sends an Origin, come from this site.
Machine clients send `Authorization: Bearer <API token>` and need no CSRF token (nothing ambient to abuse).
Every refusal here is audited.
"""

from __future__ import annotations

import hmac
from typing import Annotated, NoReturn
from urllib.parse import urlsplit

import anyio.to_thread
from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPBearer

from zhaocai.bootstrap import Container
from zhaocai.core.actor import Actor
from zhaocai.core.errors import DomainError, Forbidden, NotAuthenticated
from zhaocai.identity.authn import Authenticated, authenticate_api_token, authenticate_session, record_refusal
from zhaocai.identity.env import identity_env
from zhaocai.identity.sessions import NewSession
from zhaocai.web.deps import ClientIpDep, ContainerDep

SESSION_COOKIE = "zc_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _request_line(request: Request) -> str:
    """Method and path as sent, still percent-encoded: a %00 stays three characters the audit log can hold."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return f"{request.method} {raw.decode('ascii', 'backslashreplace')}"


def _refuse(container: Container, actor: Actor, request: Request, error: DomainError) -> NoReturn:
    record_refusal(container.uow(), actor, error, request=_request_line(request))
    raise error  # record_refusal raises; this line is for type checkers


def _bearer(request: Request, container: Container, ip: str | None) -> Authenticated | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Authorization must be 'Bearer <API token>'", code="token_invalid")
    with container.uow() as uow:
        found = authenticate_api_token(uow, token.strip(), ip=ip)
        uow.commit()
    return found


def _cookie(request: Request, container: Container, ip: str | None) -> Authenticated | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    with container.uow() as uow:
        found = authenticate_session(uow, cookie, ip=ip, policy=identity_env(container).policy)
        uow.commit()
    return found


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_csrf(request: Request, container: Container, found: Authenticated) -> None:
    if request.method in SAFE_METHODS or found.csrf_token is None:
        return
    origin = request.headers.get("origin")
    allowed = {_origin(container.settings.public_url), _origin(str(request.base_url))}
    if origin is not None and origin.lower() not in allowed:
        raise Forbidden(f"cross-origin request refused: Origin {origin} is not this site", code="csrf")
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), found.csrf_token.encode()):
        raise Forbidden(f"missing or wrong CSRF token: send the {CSRF_HEADER} header given at login", code="csrf")


# Declared on the operations that require a caller, so that the OpenAPI schema names both ways in (operations
# where signing in is optional declare none); the values themselves are read by _bearer and _cookie.
_BEARER_SCHEME = HTTPBearer(auto_error=False, description="an API token: `Authorization: Bearer <token>`")
_COOKIE_SCHEME = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="a browser session (with CSRF header)")


def current_actor(request: Request, container: ContainerDep, ip: ClientIpDep) -> Actor:
    """The caller. A Bearer token must be valid wherever it is sent. A stale session cookie (expired, ended) makes
    the caller anonymous here, so that it can still log in or register; `require_actor` then says why."""
    anonymous = Actor(ip=ip, auth_method="anonymous")
    request.state.auth = None
    request.state.stale_session = None
    try:
        found = _bearer(request, container, ip)
    except DomainError as error:
        _refuse(container, anonymous, request, error)
    if found is None:
        try:
            found = _cookie(request, container, ip)
        except DomainError as error:
            request.state.stale_session = error
            return anonymous
    if found is None:
        return anonymous
    try:
        _check_csrf(request, container, found)
    except DomainError as error:
        _refuse(container, found.actor, request, error)
    request.state.auth = found
    return found.actor


ActorDep = Annotated[Actor, Depends(current_actor)]


async def require_actor(
    request: Request,
    container: ContainerDep,
    actor: ActorDep,
    _bearer_scheme: Annotated[object, Depends(_BEARER_SCHEME)] = None,
    _cookie_scheme: Annotated[object, Depends(_COOKIE_SCHEME)] = None,
) -> Actor:
    if actor.user_id is None:
        error = getattr(request.state, "stale_session", None) or NotAuthenticated(
            "authentication required: log in, or send 'Authorization: Bearer <API token>'"
        )
        await anyio.to_thread.run_sync(_refuse, container, actor, request, error)  # the refusal is audited
    return actor


RequiredActorDep = Annotated[Actor, Depends(require_actor)]


def session_id_of(request: Request) -> str | None:
    found: Authenticated | None = getattr(request.state, "auth", None)
    return found.session_id if found else None


def set_session_cookie(response: Response, session: NewSession, *, public_url: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        httponly=True,
        secure=public_url.startswith("https://"),
        samesite="strict",
        path="/",
    )


def clear_session_cookie(response: Response, *, public_url: str) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, secure=public_url.startswith("https://"), samesite="strict", path="/"
    )


def audit_refusal(container: Container, actor: Actor, request: Request, error: DomainError) -> NoReturn:
    """For routers: audit a refusal made outside a use case (e.g. a read the actor may not make), then raise it."""
    _refuse(container, actor, request, error)
