"""Application factory shared by the three platforms: one FastAPI app per role, routers chosen by the role's app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI

from zhaocai.bootstrap import Container
from zhaocai.core.codes import regions
from zhaocai.web.errors import ErrorBody, install_error_handlers

ROLE_TITLES = {
    "trading": "招采 交易平台 (transaction platform)",
    "hub": "招采 公共服务平台 (public service platform)",
    "supervision": "招采 行政监督平台 (supervision platform)",
}


# What any operation may answer besides its own results: the refusals every request can meet on its way in
# (authentication, roles and ownership checked in the use case, missing objects, conflicts, keys locked).
COMMON_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "the request body could not be parsed",
        401: "not authenticated: no, an invalid or an expired session or token",
        403: "authenticated, but not allowed: role, organisation, or secrecy before the deadline",
        404: "no such object (or not visible to the caller)",
        409: "conflicts with the object's current state",
        422: "a field breaks a rule; the body names the field and the rule",
        503: "the platform cannot do it now (keys locked, no working-day calendar for a year, database link lost)",
    }.items()
}


def create_app(container: Container, routers: Iterable[APIRouter]) -> FastAPI:
    role = container.settings.role
    app = FastAPI(
        title=ROLE_TITLES[role],
        version="0.1.0",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        responses=COMMON_REFUSALS,
    )
    app.state.container = container
    regions.preload()  # every credit code a request carries is checked against it
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app
