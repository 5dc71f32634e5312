"""The three platforms. Each role's package names its routers; `build_app` wires the one the settings ask for."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

from zhaocai.bootstrap import Container
from zhaocai.web.app import create_app


def build_app(container: Container) -> FastAPI:
    role_module = importlib.import_module(f"zhaocai.platforms.{container.settings.role}.app")
    return create_app(container, role_module.routers())
