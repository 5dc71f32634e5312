"""Receipts and withdrawal notices: signed and checked in both suites; any change to what was signed is caught."""

from __future__ import annotations

import base64
import copy

import pytest

from zhaocai.bidding.receipts import (
    PLATFORM_KEY_PURPOSE,
    SIGNATURE_ALGORITHM,
    ReceiptInvalid,
    SignedReceipt,
    sign_receipt,
    verify_receipt,
)
from zhaocai.bidding.withdrawal_notice import SignedWithdrawal, WithdrawalInvalid, WithdrawalNotice, sign_withdrawal
from zhaocai.crypto import keys
from zhaocai.crypto.ports import InvalidSignatureError
from zhaocai.crypto.suites import SUITE_NAMES


class _Signer:
    def __init__(self, suite: str) -> None:
        self._key = keys.generate_signing_key(SIGNATURE_ALGORITHM[suite])
        self.algorithm = self._key.algorithm
        self.key_id = keys.key_id(self._key.public_key().spki_der())

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    def published(self) -> dict:
        spki = self._key.public_key().spki_der()
        return {
            "platform_code": "ZC0000000001",
            "keys": [
                {"key_id": self.key_id, "purpose": PLATFORM_KEY_PURPOSE, "public_key": base64.b64encode(spki).decode()}
            ],
        }


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_a_receipt_verifies_and_any_change_is_caught(suite: str) -> None:
    signer = _Signer(suite)
    receipt = sign_receipt(signer, "ZC0000000001", {"kind": "bid", "bid_version": 2, "envelope_sha256": "ab" * 32})
    verify_receipt(SignedReceipt.from_json(receipt.to_json()), signer.published())
    forged = copy.deepcopy(receipt.body) | {"bid_version": 3}
    with pytest.raises(ReceiptInvalid, match="does not verify"):
        verify_receipt(SignedReceipt(forged, receipt.signature), signer.published())
    with pytest.raises(ReceiptInvalid, match="no receipt key"):
        verify_receipt(receipt, _Signer(suite).published())
    with pytest.raises(ReceiptInvalid, match="from platform"):
        verify_receipt(receipt, signer.published() | {"platform_code": "ZC0000000002"})


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_a_withdrawal_notice_binds_tender_lot_bidder_bid_version_and_nonce(suite: str) -> None:
    key = keys.generate_signing_key(SIGNATURE_ALGORITHM[suite])
    signed = sign_withdrawal(
        tender_id="T1",
        lot_id="L1",
        bidder="91110108MA01AAAA0X",
        bid_id="B1",
        bid_version=2,
        signing_key=key,
        signer_certificate_der=b"cert",
    )
    again = SignedWithdrawal.from_json(signed.to_json())
    key.public_key().verify(again.signature, again.notice.signed_message)
    other = sign_withdrawal(
        tender_id="T1",
        lot_id="L1",
        bidder="91110108MA01AAAA0X",
        bid_id="B1",
        bid_version=2,
        signing_key=key,
        signer_certificate_der=b"cert",
    )
    assert other.notice.nonce != signed.notice.nonce
    for change in ({"bid_version": 3}, {"lot_id": "L2"}, {"bid_id": "B2"}):
        changed = WithdrawalNotice.from_json(signed.notice.to_json() | change)
        with pytest.raises(InvalidSignatureError):
            key.public_key().verify(signed.signature, changed.signed_message)


@pytest.mark.parametrize(
    "change",
    [
        {"extra": 1},
        {"bid_version": "2"},
        {"bid_version": True},
        {"nonce": "short"},
        {"format": "other"},
        {"lot_id": ""},
    ],
)
def test_malformed_withdrawal_notices_are_refused(change: dict) -> None:
    notice = WithdrawalNotice("T1", "L1", "91110108MA01AAAA0X", "B1", 1, "ab" * 32).to_json() | change
    with pytest.raises(WithdrawalInvalid):
        WithdrawalNotice.from_json(notice)
