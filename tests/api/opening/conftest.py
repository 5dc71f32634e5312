"""Opening API fixtures: the bidding tests' world (PKI, tenders, verified bidders, sealing) plus bid packages in the
published bid format, keys unwrapped the way `zhaocai bidder unwrap` does it, and the deadline/window moves."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bidding"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experts"))

from bidding_world import Pki, World, make_pki
from experts_world import Draws
from opening_world import Opening


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("opening-pki"))


@pytest.fixture
def world(container, client, clock, pki) -> World:
    return World(container, client, clock, pki)


@pytest.fixture
def opening(world: World, tmp_path: Path) -> Opening:
    return Opening(world, tmp_path)


@pytest.fixture
def draws(world: World) -> Draws:
    return Draws(world)
