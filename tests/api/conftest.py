"""An app per test, on the parametrised database (SQLite and PostgreSQL), with a FixedClock."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from zhaocai.bootstrap import Container, build
from zhaocai.config import Settings
from zhaocai.core.clock import FixedClock

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "var", key_passphrase="test-passphrase")


@pytest.fixture
def container(settings: Settings, clock: FixedClock) -> Iterator[Container]:
    container = build(settings, clock=clock)
    yield container
    container.engine.dispose()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    from zhaocai.platforms import build_app

    with TestClient(build_app(container), base_url="http://testserver") as test_client:
        yield test_client
