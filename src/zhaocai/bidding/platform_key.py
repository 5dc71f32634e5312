"""The platform's receipt key: keyring purpose `platform-sign`, in the algorithm of the platform's suite (SM2 for
`gm`, ECDSA P-256 for `std`), created on first use and published at /.well-known/zhaocai-keys.json."""

from __future__ import annotations

import threading
from typing import Any

from zhaocai.bidding.receipts import PLATFORM_KEY_PURPOSE, SIGNATURE_ALGORITHM, ReceiptIssuer, ReceiptSigner

_SIGNER_KEY = "platform_receipt_signer"
_lock = threading.Lock()


def platform_signer(container: Any) -> ReceiptSigner:
    signer = container.extras.get(_SIGNER_KEY)
    if signer is None:
        with _lock:
            signer = container.extras.get(_SIGNER_KEY)
            if signer is None:
                container.keyring.ensure(PLATFORM_KEY_PURPOSE, SIGNATURE_ALGORITHM[container.settings.crypto_suite])
                signer = container.keyring.signer(PLATFORM_KEY_PURPOSE)
                container.extras[_SIGNER_KEY] = signer
    return signer  # type: ignore[no-any-return]


def receipt_issuer(container: Any) -> ReceiptIssuer:
    return ReceiptIssuer(platform_signer(container), container.settings.platform_code)
