"""Bond API fixtures: cheap password hashing; a world with a tender, bidders, staff and their API tokens."""

from __future__ import annotations

import pytest
from bonds_api_world import BondApiWorld

from zhaocai.identity.env import ENV_KEY, env_from_settings
from zhaocai.identity.passwords import CHEAP


@pytest.fixture(autouse=True)
def _cheap_identity(container) -> None:
    container.extras[ENV_KEY] = env_from_settings(container.settings, hashing=CHEAP)


@pytest.fixture
def world(container, client) -> BondApiWorld:
    return BondApiWorld(container, client)
