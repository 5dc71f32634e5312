"""Receipts (回执): what the platform signs, at once, when it accepts a bid or a withdrawal (DESIGN principle 5) —
inside the accepting transaction, so the receipt is stored with what it acknowledges and commits with it.

A receipt is canonical JSON naming the bid, the stored envelope's SHA-256 (its blob key), the time the platform
accepted it and the audit entry that recorded it; the platform's `platform-sign` key signs
`"zhaocai-receipt/v1" ‖ 0x00 ‖ canonical JSON`. Anyone verifies it with the keys published at
/.well-known/zhaocai-keys.json (retired keys stay there). The audit entry's inclusion proof comes later, from
GET /api/v1/receipts/{audit_entry_id}/proof, once the next checkpoint is signed.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Protocol

from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto import keys
from zhaocai.crypto.ports import InvalidSignatureError

RECEIPT_FORMAT = "zhaocai-receipt"
RECEIPT_VERSION = 1
RECEIPT_LABEL = b"zhaocai-receipt/v1\x00"
PLATFORM_KEY_PURPOSE = "platform-sign"
SIGNATURE_ALGORITHM = {"gm": keys.SM2, "std": keys.ECDSA_P256}


class ReceiptInvalid(ValidationFailed):
    code = "receipt_invalid"


class ReceiptSigner(Protocol):
    key_id: str
    algorithm: str

    def sign(self, data: bytes) -> bytes: ...


@dataclass(frozen=True)
class SignedReceipt:
    body: dict[str, Any]
    signature: bytes

    @property
    def signed_message(self) -> bytes:
        return RECEIPT_LABEL + canonical_json(self.body)

    def to_json(self) -> dict[str, Any]:
        return {"receipt": self.body, "signature": base64.b64encode(self.signature).decode()}

    def encode(self) -> str:
        return canonical_json(self.to_json()).decode()

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> SignedReceipt:
        try:
            body, signature = value["receipt"], base64.b64decode(value["signature"], validate=True)
        except (KeyError, TypeError, ValueError) as exc:  # binascii.Error is a ValueError
            raise ReceiptInvalid('a receipt is {"receipt": {...}, "signature": base64}', field="receipt") from exc
        if not isinstance(body, dict):
            raise ReceiptInvalid("the receipt body is not an object", field="receipt")
        return cls(body, signature)


@dataclass(frozen=True)
class ReceiptIssuer:
    """The platform's receipt signer and code, handed to the use cases that sign their receipt in their transaction."""

    signer: ReceiptSigner
    platform_code: str

    def issue(self, fields: dict[str, Any]) -> SignedReceipt:
        return sign_receipt(self.signer, self.platform_code, fields)

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """What the audit entry's payload hash covers."""
        return {"key_id": self.signer.key_id}


def sign_receipt(signer: ReceiptSigner, platform_code: str, fields: dict[str, Any]) -> SignedReceipt:
    body = {
        "format": RECEIPT_FORMAT,
        "version": RECEIPT_VERSION,
        "platform_code": platform_code,
        "key_id": signer.key_id,
        "algorithm": signer.algorithm,
    } | fields
    encoded = canonical_json(body)
    return SignedReceipt(body, signer.sign(RECEIPT_LABEL + encoded))


def verify_receipt(receipt: SignedReceipt, published_keys: dict[str, Any]) -> None:
    """Check the receipt's signature with the platform's published keys (the /.well-known/zhaocai-keys.json
    document); raise ReceiptInvalid naming what is wrong."""
    body = receipt.body
    if body.get("format") != RECEIPT_FORMAT or body.get("version") != RECEIPT_VERSION:
        raise ReceiptInvalid(f"not a {RECEIPT_FORMAT} version {RECEIPT_VERSION} receipt", field="receipt")
    if published_keys.get("platform_code") != body.get("platform_code"):
        raise ReceiptInvalid(
            f"the receipt is from platform {body.get('platform_code')!r}, the keys from "
            f"{published_keys.get('platform_code')!r}",
            field="platform_code",
        )
    key = next((k for k in published_keys.get("keys", []) if k.get("key_id") == body.get("key_id")), None)
    if key is None or key.get("purpose") != PLATFORM_KEY_PURPOSE:
        raise ReceiptInvalid(f"the platform publishes no receipt key {body.get('key_id')!r}", field="key_id")
    try:
        verifying_key = keys.load_verifying_key(base64.b64decode(key["public_key"], validate=True))
    except (ValueError, binascii.Error) as exc:
        raise ReceiptInvalid(f"the published key {key['key_id']} cannot be read", field="key_id") from exc
    if verifying_key.algorithm != body.get("algorithm"):
        raise ReceiptInvalid("the receipt names another algorithm than its key's", field="algorithm")
    try:
        verifying_key.verify(receipt.signature, receipt.signed_message)
    except InvalidSignatureError as exc:
        raise ReceiptInvalid(
            "the receipt's signature does not verify with the platform's key", field="signature"
        ) from exc
