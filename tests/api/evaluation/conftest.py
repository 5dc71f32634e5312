"""Evaluation API fixtures: the bidding and opening worlds (PKI, tenders, verified bidders, sealed bids, online
opening) and committees drawn through the experts use cases."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bidding"))
sys.path.insert(0, str(HERE.parent / "opening"))

from bidding_world import Pki, World, make_pki  # noqa: E402
from evaluation_world import EvaluationWorld  # noqa: E402
from opening_world import Opening  # noqa: E402


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("evaluation-pki"))


@pytest.fixture
def world(container, client, clock, pki) -> World:
    return World(container, client, clock, pki)


@pytest.fixture
def ev(world: World, tmp_path: Path) -> EvaluationWorld:
    return EvaluationWorld(Opening(world, tmp_path))
