"""Archive API fixtures: the bidding tests' world (PKI of several CAs per suite, tenders, verified bidders) reused
through its module, and a helper that drives a tender to a built archive package."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "bidding"))

from bidding_world import Pki, World, make_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("archive-pki"))


@pytest.fixture
def world(container, client, clock, pki) -> World:
    return World(container, client, clock, pki)
