"""Application factory shared by the three platforms: one FastAPI app per role, routers chosen by the role's app."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI

from zhaocai.bootstrap import Container
from zhaocai.web.errors import install_error_handlers

ROLE_TITLES = {
    "trading": "招采 交易平台 (transaction platform)",
    "hub": "招采 公共服务平台 (public service platform)",
    "supervision": "招采 行政监督平台 (supervision platform)",
}


def create_app(container: Container, routers: Iterable[APIRouter]) -> FastAPI:
    role = container.settings.role
    app = FastAPI(title=ROLE_TITLES[role], version="0.1.0", docs_url="/api/docs", openapi_url="/api/openapi.json")
    app.state.container = container
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app
