"""The signed withdrawal notice (撤回通知, 招标投标法29, 条例35): the bidder signs, with the same signing certificate
it seals with, canonical JSON naming the tender, lot, bidder, bid, the version it withdraws and a fresh nonce, so a
notice cannot be replayed against another bid, version or tender.

    signed bytes = "zhaocai-bid-withdrawal/v1" ‖ 0x00 ‖ canonical JSON of the notice
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from typing import Any

from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto.ports import SigningKey

WITHDRAWAL_FORMAT = "zhaocai-bid-withdrawal"
WITHDRAWAL_LABEL = b"zhaocai-bid-withdrawal/v1\x00"
NONCE_BYTES = 32
_FIELDS = ("bid_id", "bid_version", "bidder", "format", "lot_id", "nonce", "tender_id", "version")
_NONCE = re.compile(r"[0-9a-f]{32,128}")
_ID = re.compile(r"[^\x00-\x1f\x7f]{1,128}")


class WithdrawalInvalid(ValidationFailed):
    code = "withdrawal_invalid"


@dataclass(frozen=True)
class WithdrawalNotice:
    tender_id: str
    lot_id: str
    bidder: str  # the bidder's (consortium lead's) 统一社会信用代码, as in the envelope header
    bid_id: str
    bid_version: int
    nonce: str  # hex

    def to_json(self) -> dict[str, Any]:
        return {
            "bid_id": self.bid_id,
            "bid_version": self.bid_version,
            "bidder": self.bidder,
            "format": WITHDRAWAL_FORMAT,
            "lot_id": self.lot_id,
            "nonce": self.nonce,
            "tender_id": self.tender_id,
            "version": 1,
        }

    @property
    def signed_message(self) -> bytes:
        return WITHDRAWAL_LABEL + canonical_json(self.to_json())

    @classmethod
    def from_json(cls, value: Any) -> WithdrawalNotice:
        if not isinstance(value, dict) or tuple(sorted(value)) != _FIELDS:
            raise WithdrawalInvalid(f"a withdrawal notice has exactly the fields {', '.join(_FIELDS)}", field="notice")
        if value["format"] != WITHDRAWAL_FORMAT or value["version"] != 1:
            raise WithdrawalInvalid(f"not a {WITHDRAWAL_FORMAT} version 1 notice", field="notice.format")
        for name in ("tender_id", "lot_id", "bidder", "bid_id"):
            if not isinstance(value[name], str) or not _ID.fullmatch(value[name]):
                raise WithdrawalInvalid(f"notice.{name} must be an identifier of 1-128 characters", field=name)
        version = value["bid_version"]
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**31:
            raise WithdrawalInvalid("notice.bid_version must be an integer 1 .. 2^31-1", field="bid_version")
        if not isinstance(value["nonce"], str) or not _NONCE.fullmatch(value["nonce"]):
            raise WithdrawalInvalid("notice.nonce must be 16-64 random bytes in lowercase hex", field="nonce")
        return cls(value["tender_id"], value["lot_id"], value["bidder"], value["bid_id"], version, value["nonce"])


@dataclass(frozen=True)
class SignedWithdrawal:
    notice: WithdrawalNotice
    signature: bytes
    signer_certificate: bytes  # DER

    def to_json(self) -> dict[str, Any]:
        return {
            "notice": self.notice.to_json(),
            "signature": base64.b64encode(self.signature).decode(),
            "signer_certificate": base64.b64encode(self.signer_certificate).decode(),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> SignedWithdrawal:
        try:
            signature = base64.b64decode(value["signature"], validate=True)
            certificate = base64.b64decode(value["signer_certificate"], validate=True)
        except (KeyError, TypeError, ValueError) as exc:  # binascii.Error is a ValueError
            raise WithdrawalInvalid("signature and signer_certificate are base64", field="signature") from exc
        return cls(WithdrawalNotice.from_json(value.get("notice")), signature, certificate)


def sign_withdrawal(
    *,
    tender_id: str,
    lot_id: str,
    bidder: str,
    bid_id: str,
    bid_version: int,
    signing_key: SigningKey,
    signer_certificate_der: bytes,
) -> SignedWithdrawal:
    notice = WithdrawalNotice(tender_id, lot_id, bidder, bid_id, bid_version, secrets.token_hex(NONCE_BYTES))
    return SignedWithdrawal(notice, signing_key.sign(notice.signed_message), signer_certificate_der)
