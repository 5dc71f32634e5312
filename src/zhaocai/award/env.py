"""What award use cases need from the running platform: the blob store (notice PDFs and signatures), the trust store
(the tenderer's and winner's certificates), the bank-deposit interest rate owed with bond refunds, the platform's
name. One per container (`award_env(container)`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhaocai.adapters.blob.port import BlobStore
from zhaocai.crypto.trust import TrustStore
from zhaocai.identity.env import identity_env

# 活期存款基准利率 (People's Bank of China demand-deposit benchmark, 0.35% a year since 2015-10-24): the default for
# 条例57's 银行同期存款利息; set ZHAOCAI_BOND_DEPOSIT_INTEREST_RATE to the rate the platform's bank pays.
DEFAULT_DEPOSIT_INTEREST_RATE = Decimal("0.0035")


@dataclass(frozen=True)
class AwardEnv:
    blobs: BlobStore
    trust: TrustStore | None
    deposit_interest_rate: Decimal = DEFAULT_DEPOSIT_INTEREST_RATE
    platform_name: str = "招采交易平台"

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """What the audit payload hash sees of this argument."""
        return {"deposit_interest_rate": str(self.deposit_interest_rate), "platform_name": self.platform_name}


def award_env(container: Any) -> AwardEnv:
    return AwardEnv(
        blobs=container.blobs,
        trust=identity_env(container).trust,
        deposit_interest_rate=Decimal(container.settings.bond_deposit_interest_rate),
        platform_name=container.settings.platform_name,
    )
