"""The platform's upload policy for sealed bids. The defaults suit works tenders with drawings; a deployment (or a
test) puts its own BiddingPolicy in `container.extras["bidding_policy"]`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhaocai.sealing import Limits

POLICY_KEY = "bidding_policy"


@dataclass(frozen=True)
class BiddingPolicy:
    max_envelope_bytes: int = 1024**3
    max_chunks_per_section: int = 2**24

    def envelope_limits(self) -> Limits:
        return Limits(max_envelope_bytes=self.max_envelope_bytes, max_chunks_per_section=self.max_chunks_per_section)


def bidding_policy(container: Any) -> BiddingPolicy:
    policy = container.extras.get(POLICY_KEY)
    return policy if isinstance(policy, BiddingPolicy) else BiddingPolicy()
