"""Identity API fixtures: cheap password hashing, a trust store with one CA per suite (and its CRL), and helpers
to act as several users at once."""

from __future__ import annotations

import pytest
from identity_api_world import Browser, SuitePki, make_pki

from zhaocai.crypto.trust import TrustStore
from zhaocai.identity.env import ENV_KEY, env_from_settings
from zhaocai.identity.passwords import CHEAP


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> dict[str, SuitePki]:
    base = tmp_path_factory.mktemp("identity-pki")
    return {suite: make_pki(base / suite, suite) for suite in ("gm", "std")}


@pytest.fixture(autouse=True)
def _identity_env(container, pki) -> None:
    trust = TrustStore(
        certificates=[world.ca.certificate_pem for world in pki.values()],
        crls=[world.crl for world in pki.values()],
    )
    container.extras[ENV_KEY] = env_from_settings(container.settings, trust=trust, hashing=CHEAP)


@pytest.fixture
def browser(client, clock):
    """A factory of independent logged-in clients on the same app."""
    return lambda: Browser(client.app, clock)
