"""Award API fixtures (both databases, an app per test from tests/api/conftest.py): the bidding, opening and
evaluation API tests' worlds, and on them the award world of tests/integration/award, which brings a lot to its
closed, signed evaluation report through the real chain (award_chain.py) — one chain per database shared by the
tests here, each on a copy of it (shared_lot.py); an API token per organisation."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[2]
for folder in ("api/bidding", "api/opening", "api/evaluation", "api/award", "integration/award"):
    sys.path.insert(0, str(TESTS / folder))

import shared_lot as shared  # noqa: E402
from award_world import AwardWorld  # noqa: E402
from bidding_world import Pki, World  # noqa: E402
from evaluation_world import EvaluationWorld  # noqa: E402
from opening_world import Opening  # noqa: E402
from shared_lot import Snapshot, restore_if_shared  # noqa: E402

from zhaocai.bootstrap import Container, build  # noqa: E402
from zhaocai.config import Settings  # noqa: E402
from zhaocai.core.clock import FixedClock  # noqa: E402
from zhaocai.identity.api_tokens import do_create_api_token  # noqa: E402
from zhaocai.identity.env import identity_env  # noqa: E402

award_pki = shared.award_pki  # the fixtures of shared_lot.py (pki, shared_lots, shared_lot), offered here
shared_lots = shared.shared_lots
shared_lot = shared.shared_lot


@pytest.fixture
def container(request: pytest.FixtureRequest, settings: Settings, clock: FixedClock) -> Iterator[Container]:
    """As tests/api/conftest.py's, on a copy of the shared lot's database when the test uses it."""
    restore_if_shared(request, settings.database_url, settings.data_dir, clock)
    container = build(settings, clock=clock)
    yield container
    container.engine.dispose()


@pytest.fixture
def world(container: Container, client, clock, pki: Pki, tmp_path: Path, shared_lot: Snapshot) -> AwardWorld:  # type: ignore[no-untyped-def]
    """The shared lot at its closed evaluation report (gm suite, bonds not paid)."""
    world = AwardWorld(EvaluationWorld(Opening(World(container, client, clock, pki), tmp_path)))
    return world.adopt(shared_lot.chain, shared_lot.tenderer, shared_lot.count)


def bearer(container: Container, actor) -> dict[str, str]:  # type: ignore[no-untyped-def]
    token = do_create_api_token(uow=container.uow(), actor=actor, env=identity_env(container), name="award-tests")
    return {"Authorization": f"Bearer {token.token}"}


@pytest.fixture
def h(container: Container, world: AwardWorld) -> dict[str, dict[str, str]]:
    """Authorization headers: the tenderer's and bidder1..3's (by rank)."""
    return {
        "tenderer": bearer(container, world.tenderer.actor),
        **{f"bidder{i}": bearer(container, b.actor) for i, b in enumerate(world.bidders, start=1)},
    }
