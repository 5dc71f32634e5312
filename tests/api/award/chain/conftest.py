"""The award stage on a real chain: the bidding, opening and evaluation test worlds (real sealed bids, online opening
with keys handed over, a committee drawn through the experts use cases, sheets, a report every member signs) bring a
lot to its closed evaluation report; the award runs from there through its API."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2]
for folder in ("bidding", "opening", "evaluation"):
    sys.path.insert(0, str(API / folder))

from bidding_world import Pki, World, make_pki  # noqa: E402
from evaluation_world import EvaluationWorld  # noqa: E402
from opening_world import Opening  # noqa: E402


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("award-chain-pki"))


@pytest.fixture
def world(container, client, clock, pki) -> World:  # type: ignore[no-untyped-def]
    return World(container, client, clock, pki)


@pytest.fixture
def ev(world: World, tmp_path: Path) -> EvaluationWorld:
    return EvaluationWorld(Opening(world, tmp_path))
