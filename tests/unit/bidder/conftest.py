"""Bidder-tool fixtures: one world per suite (module-scoped)."""

from __future__ import annotations

import pytest
from bidder_world import Bidder, make_bidder

from zhaocai.crypto.suites import SUITE_NAMES


@pytest.fixture(scope="module", params=SUITE_NAMES)
def bidder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bidder:
    suite = str(request.param)
    return make_bidder(suite, tmp_path_factory.mktemp(f"bidder-{suite}"))
