"""Request and response bodies of the bidding API."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from zhaocai.bidding.queries import Listed, MyBid


class ReceiptOut(BaseModel):
    receipt: dict[str, Any] = Field(
        ...,
        description="what the platform acknowledges: kind, tender, lot, bidder, bid, version, envelope SHA-256, "
        "received_at, audit_entry_id, key_id, algorithm (docs/bidding.md)",
    )
    signature: str = Field(..., description="base64 signature by the platform-sign key over the canonical receipt")


class BidRequirementsOut(BaseModel):
    tender_id: str
    tender_number: str
    lot_id: str
    lot_number: str
    lot_name: str
    suite: str = Field(..., description="gm or std: the envelope's and the certificates' crypto suite")
    sections: list[str] = Field(..., description="the envelope's sections: whole, or technical + price")
    backup_key_remedy: bool = Field(..., description="wrap each section to a backup key too (电子招标投标办法31)")
    bid_deadline: datetime | None
    accepting_bids: bool
    max_envelope_bytes: int
    envelope_format: str = "zhaocai-envelope/1 (docs/envelope.md)"
    manifest_format: str = "zhaocai-bid-manifest/1 (docs/bid-format.md)"


class VersionOut(BaseModel):
    version: int
    submitted_at: datetime
    envelope_sha256: str
    envelope_size: int
    sections: list[str]
    receipt: ReceiptOut | None


class WithdrawalOut(BaseModel):
    version: int
    withdrawn_at: datetime
    receipt: ReceiptOut | None


class MyBidOut(BaseModel):
    bid_id: str
    tender_id: str
    lot_id: str
    status: str = Field(..., description="submitted | withdrawn | void (void is decided at the deadline)")
    latest_version: int
    first_submitted_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    void_reason: str | None
    void_citation: str | None
    versions: list[VersionOut]
    withdrawals: list[WithdrawalOut]

    @classmethod
    def of(cls, mine: MyBid) -> MyBidOut:
        bid = mine.bid
        return cls(
            bid_id=bid.id,
            tender_id=bid.tender_id,
            lot_id=bid.lot_id,
            status=bid.status,
            latest_version=bid.latest_version,
            first_submitted_at=bid.first_submitted_at,
            updated_at=bid.updated_at,
            withdrawn_at=bid.withdrawn_at,
            void_reason=bid.void_reason,
            void_citation=bid.void_citation,
            versions=[
                VersionOut(
                    version=v.version,
                    submitted_at=v.submitted_at,
                    envelope_sha256=v.envelope_key,
                    envelope_size=v.envelope_size,
                    sections=v.sections.split(","),
                    receipt=_receipt(v.receipt),
                )
                for v in mine.versions
            ],
            withdrawals=[
                WithdrawalOut(version=w.version, withdrawn_at=w.withdrawn_at, receipt=_receipt(w.receipt))
                for w in mine.withdrawals
            ],
        )


def _receipt(stored: str | None) -> ReceiptOut | None:
    return ReceiptOut(**json.loads(stored)) if stored else None


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notice: dict[str, Any] = Field(
        ...,
        description="the withdrawal notice: format, version, tender_id, lot_id, bidder, bid_id, bid_version, nonce",
    )
    signature: str = Field(..., max_length=1024, description="base64 signature over the notice (docs/bidding.md)")
    signer_certificate: str = Field(..., max_length=32768, description="base64 DER signing certificate")


class BidOut(BaseModel):
    bid_id: str
    bidder_org_id: str
    status: str
    latest_version: int
    first_submitted_at: datetime
    updated_at: datetime
    void_reason: str | None
    void_citation: str | None
    consortium_org_ids: list[str] = Field(
        default_factory=list, description="a consortium's (联合体) parties, the lead first; empty for a single bidder"
    )

    @classmethod
    def of(cls, listed: Listed) -> BidOut:
        bid = listed.bid
        return cls(
            bid_id=bid.id,
            bidder_org_id=bid.bidder_org_id,
            status=bid.status,
            latest_version=bid.latest_version,
            first_submitted_at=bid.first_submitted_at,
            updated_at=bid.updated_at,
            void_reason=bid.void_reason,
            void_citation=bid.void_citation,
            consortium_org_ids=list(listed.consortium_org_ids),
        )


class BidCountOut(BaseModel):
    lot_id: str
    count: int = Field(..., description="bids received and not withdrawn (void ones included)")
