"""Crypto test fixtures. Every crypto test runs against both suites (DESIGN principle 8): take `suite_name`/`suite`,
or `pki`, a small world of CAs and certificates per suite (see crypto_world.py)."""

from __future__ import annotations

import pytest
from crypto_world import Pki, build_pki

from zhaocai.crypto.ports import Suite
from zhaocai.crypto.suites import SUITE_NAMES, get_suite


@pytest.fixture(params=SUITE_NAMES)
def suite_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def suite(suite_name: str) -> Suite:
    return get_suite(suite_name)


@pytest.fixture(scope="module", params=SUITE_NAMES)
def pki(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return build_pki(str(request.param), tmp_path_factory.mktemp(f"pki-{request.param}"))
