"""Identity fixtures for use-case tests (both databases): a cheap-hashing environment and a small world."""

from __future__ import annotations

import pytest
from identity_world import World, cheap_env

from zhaocai.identity.env import IdentityEnv


@pytest.fixture
def env() -> IdentityEnv:
    return cheap_env()


@pytest.fixture
def world(uow_factory, env) -> World:
    return World(uow_factory, env)
