"""Credit API fixtures: cheap password hashing; subjects and staff with API tokens."""

from __future__ import annotations

import pytest

from zhaocai.identity.env import ENV_KEY, env_from_settings
from zhaocai.identity.passwords import CHEAP


@pytest.fixture(autouse=True)
def _cheap_identity(container) -> None:
    container.extras[ENV_KEY] = env_from_settings(container.settings, hashing=CHEAP)
