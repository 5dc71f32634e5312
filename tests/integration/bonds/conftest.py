"""Bond fixtures (both databases): a container with a FixedClock and cheap password hashing, and a world with a
tender opened through tendering's real use cases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bonds_world import BondWorld

from zhaocai.bootstrap import Container, build
from zhaocai.config import Settings
from zhaocai.core.clock import FixedClock
from zhaocai.identity.env import ENV_KEY, env_from_settings
from zhaocai.identity.passwords import CHEAP


@pytest.fixture
def container(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "var", key_passphrase="test-passphrase")
    container = build(settings, clock=clock)
    container.extras[ENV_KEY] = env_from_settings(settings, hashing=CHEAP)
    yield container
    container.engine.dispose()


@pytest.fixture
def world(container: Container) -> BondWorld:
    return BondWorld(container)
