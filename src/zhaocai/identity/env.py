"""What identity use cases need from the running platform: policy numbers, hashing cost, its code and URL, and the
trust store that certificate login checks against. One per container (`identity_env(container)`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from zhaocai.crypto.trust import TrustStore
from zhaocai.identity.model import IdentityPolicy
from zhaocai.identity.passwords import HashingCost

ENV_KEY = "identity_env"
TRUST_KEY = "trust_store"


@dataclass(frozen=True)
class IdentityEnv:
    policy: IdentityPolicy = field(default_factory=IdentityPolicy)
    hashing: HashingCost = field(default_factory=HashingCost)
    platform_code: str = "ZC0000000001"
    platform_name: str = "招采"
    public_url: str = "http://127.0.0.1:8000"
    trust: TrustStore | None = None  # None: no CA is trusted, certificate login is refused

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """What the audit payload hash sees of this argument: the policy in force, not the trust store's objects."""
        return {"policy": asdict(self.policy), "platform_code": self.platform_code}


def env_from_settings(settings: Any, *, trust: Any = None, hashing: HashingCost | None = None) -> IdentityEnv:
    return IdentityEnv(
        policy=IdentityPolicy(
            login_max_failures=settings.login_max_failures,
            lockout_minutes=settings.lockout_minutes,
            session_ttl_minutes=settings.session_ttl_minutes,
            api_token_ttl_days=settings.api_token_ttl_days,
        ),
        hashing=hashing or HashingCost(),
        platform_code=settings.platform_code,
        platform_name=settings.platform_name,
        public_url=settings.public_url.rstrip("/"),
        trust=trust,
    )


def identity_env(container: Any) -> IdentityEnv:
    """The container's identity environment, built on first use. Tests may put their own IdentityEnv under
    `container.extras["identity_env"]`, or a trust store under `container.extras["trust_store"]`."""
    env = container.extras.get(ENV_KEY)
    if env is None:
        trust = container.extras.get(TRUST_KEY)
        if trust is None:
            trust = _load_trust(container.settings)
        env = env_from_settings(container.settings, trust=trust)
        container.extras[ENV_KEY] = env
    return env


def _load_trust(settings: Any) -> TrustStore:
    return TrustStore.load(settings.effective_trust_dir)
