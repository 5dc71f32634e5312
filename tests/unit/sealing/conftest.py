"""Sealing test fixtures: per suite (module-scoped), a demo CA and two bidders — see sealing_world.py."""

from __future__ import annotations

import pytest
from sealing_world import Party, World, build_world

from zhaocai.crypto.suites import SUITE_NAMES


@pytest.fixture(scope="module", params=SUITE_NAMES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    suite = str(request.param)
    return build_world(suite, tmp_path_factory.mktemp(f"sealing-{suite}"))


@pytest.fixture
def alice(world: World) -> Party:
    return world.alice


@pytest.fixture
def bob(world: World) -> Party:
    return world.bob
