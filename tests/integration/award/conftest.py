"""Award fixtures (both databases): an app on a container with a FixedClock, the bidding, opening and evaluation API
tests' worlds (their PKI, tenders, verified bidders, sealed bids, online opening, drawn committees) and, on them, the
award world that brings a lot to its closed evaluation report through that real chain (tests/api/award/award_chain.py),
or adopts the chain shared by the tests that need no other lot (`shared_lot`, tests/api/award/shared_lot.py). The award
use cases themselves are called directly."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2] / "api"
for folder in ("bidding", "opening", "evaluation", "award"):
    sys.path.insert(0, str(API / folder))

import shared_lot as shared  # noqa: E402
from award_world import AwardWorld  # noqa: E402
from bidding_world import Pki, World  # noqa: E402
from evaluation_world import EvaluationWorld  # noqa: E402
from opening_world import Opening  # noqa: E402
from shared_lot import Snapshot, restore_if_shared  # noqa: E402

from zhaocai.bootstrap import Container, build  # noqa: E402
from zhaocai.config import Settings  # noqa: E402
from zhaocai.core.clock import FixedClock  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


award_pki = shared.award_pki  # the fixtures of shared_lot.py (pki, shared_lots, shared_lot), offered here
shared_lots = shared.shared_lots
shared_lot = shared.shared_lot


@pytest.fixture
def container(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path, clock: FixedClock
) -> Iterator[Container]:
    restore_if_shared(request, database_url, tmp_path / "var", clock)
    settings = Settings(database_url=database_url, data_dir=tmp_path / "var", key_passphrase="test-passphrase")
    container = build(settings, clock=clock)
    yield container
    container.engine.dispose()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    from zhaocai.platforms import build_app

    with TestClient(build_app(container), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture(params=["gm", "std"])
def suite(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def world(container: Container, client: TestClient, clock: FixedClock, pki: Pki, tmp_path: Path) -> AwardWorld:
    """Not built yet: each test builds the lot it needs (`world.build(...)`)."""
    return AwardWorld(EvaluationWorld(Opening(World(container, client, clock, pki), tmp_path)))


@pytest.fixture
def reported(world: AwardWorld, shared_lot: Snapshot) -> AwardWorld:
    """The world at the shared lot's closed evaluation report (gm suite, bonds not paid)."""
    return world.adopt(shared_lot.chain, shared_lot.tenderer, shared_lot.count)
