"""Credit fixtures (both databases): a small world of organisations and the platform operator."""

from __future__ import annotations

import pytest
from credit_world import World


@pytest.fixture
def world(uow_factory) -> World:
    return World(uow_factory)


@pytest.fixture
def operator(world):
    return world.staff("operator", "platform_operator")
