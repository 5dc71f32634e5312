"""Experts API fixtures: the bidding tests' world (PKI, tenders, verified bidders, sealing) plus an expert pool made
through the identity and experts use cases, and a lot brought to its opening by the real deadline job."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bidding"))

from bidding_world import Pki, World, make_pki
from experts_world import Draws


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("experts-pki"))


@pytest.fixture
def world(container, client, clock, pki) -> World:
    return World(container, client, clock, pki)


@pytest.fixture
def draws(world: World) -> Draws:
    return Draws(world)
