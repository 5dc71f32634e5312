"""Fixtures: real checkpoint keys, and a log on each database (suite gm, or both suites)."""

from __future__ import annotations

from typing import Any

import pytest
from audit_log_helpers import Log, make_log

from zhaocai.crypto.keys import generate_signing_key


@pytest.fixture(scope="session")
def checkpoint_keys() -> list[Any]:
    return [generate_signing_key("ed25519"), generate_signing_key("sm2-sm3")]


@pytest.fixture
def log(engine, clock, checkpoint_keys) -> Log:
    return make_log(engine, clock, checkpoint_keys, "gm")


@pytest.fixture(params=["std", "gm"])
def any_suite_log(request, engine, clock, checkpoint_keys) -> Log:
    return make_log(engine, clock, checkpoint_keys, request.param)
