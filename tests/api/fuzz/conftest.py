"""Fuzzing fixtures: each platform role's app on the parametrised database, its cast of callers, and the operations
it fuzzes.

The roles share some routers (identity, platform meta). Each operation is fuzzed once per database, by one of the
roles that serve it (picked by a hash of the operation, so the shared ones are spread over the three apps): the
suite's time grows with the API, not with the API times the roles.
"""

from __future__ import annotations

import importlib
import zlib
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fuzz_cast import Cast, make_cast

from zhaocai.bootstrap import Container
from zhaocai.config import Settings
from zhaocai.core.clock import FixedClock
from zhaocai.platforms import build_app

ROLES = ("trading", "hub", "supervision")
Operation = tuple[str, str]  # (METHOD, path template)


def served_by(role: str) -> set[Operation]:
    routers = importlib.import_module(f"zhaocai.platforms.{role}.app").routers()
    return {
        (method, route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


def assigned_to(role: str) -> set[Operation]:
    served = {other: served_by(other) for other in ROLES}

    def owner(operation: Operation) -> str:
        roles = [other for other in ROLES if operation in served[other]]
        return roles[zlib.crc32(" ".join(operation).encode()) % len(roles)]

    return {operation for operation in served[role] if owner(operation) == role}


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(database_url: str, tmp_path: Path, role: str) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "var", key_passphrase="test-passphrase", role=role)


@pytest.fixture
def app(container: Container):
    return build_app(container)


@pytest.fixture
def operations(role: str) -> set[Operation]:
    return assigned_to(role)


@pytest.fixture
def cast(container: Container, app, clock: FixedClock) -> Cast:
    return make_cast(container, app, clock)
