"""Opening API input and output models."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from zhaocai.web.schemas import StrictIn

SectionName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]


class OpeningPlanIn(StrictIn):
    window_minutes: int = Field(..., ge=1, le=100_000, description="the decryption window (解密时限), minutes")
    announce_reserve: bool = Field(False, description="whether a 标底 is announced at opening (条例50)")
    reserve_price: Annotated[str, Field(max_length=40)] | None = Field(None, description="the sealed 标底, yuan")


class OpeningPlanOut(BaseModel):
    tender_id: str
    window_minutes: int
    announce_reserve: bool
    reserve_price: str | None
    set_at: datetime


class KeysIn(StrictIn):
    keys: dict[SectionName, Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        ..., min_length=1, max_length=16, description="section name -> its content key, base64"
    )

    @field_validator("keys")
    @classmethod
    def _base64(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            try:
                base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"the key of section {name} is not base64") from None
        return value

    def decoded(self) -> dict[str, bytes]:
        return {name: base64.b64decode(text) for name, text in self.keys.items()}


class HandOverOut(BaseModel):
    bid_id: str
    stage: str
    outcome: str
    sections: list[str]
    files: int
    session_closed: bool
    record_id: str | None


class OpeningStatusOut(BaseModel):
    lot_id: str
    state: str
    stage: str
    window_ends_at: datetime | None
    record_id: str | None


class EnvelopeHeaderOut(BaseModel):
    bid_id: str
    version_id: str
    header: str = Field(..., description="the stored envelope's first bytes up to the sections, base64")


class ObjectionIn(StrictIn):
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class AnswerIn(StrictIn):
    answer: Annotated[str, Field(min_length=1, max_length=4000)]


class ObjectionOut(BaseModel):
    id: str
    lot_id: str
    stage: str
    text: str
    answer: str | None
    record_id: str | None


class OpenedFileOut(BaseModel):
    index: int
    section: str
    name: str
    sha256: str
    size: int


class OpenedBidOut(BaseModel):
    bid_id: str
    version_id: str
    bidder_org_id: str
    consortium_org_ids: list[str]
    outcome: str
    outcome_reason: str | None
    outcome_citation: str | None
    sections_opened: list[str]
    price: Decimal | None
    price_in_words: str | None
    manifests: dict[str, Any]
    files: list[OpenedFileOut]
    signals: dict[str, str]

    @classmethod
    def of(cls, bid: Any) -> OpenedBidOut:
        return cls(
            bid_id=bid.bid_id,
            version_id=bid.version_id,
            bidder_org_id=bid.bidder_org_id,
            consortium_org_ids=list(bid.consortium_org_ids),
            outcome=bid.outcome,
            outcome_reason=bid.outcome_reason,
            outcome_citation=bid.outcome_citation,
            sections_opened=list(bid.sections_opened),
            price=bid.price,
            price_in_words=bid.price_in_words,
            manifests=bid.manifests,
            files=[
                OpenedFileOut(index=i, section=f.section, name=f.name, sha256=f.sha256, size=f.size)
                for i, f in enumerate(bid.files)
            ],
            signals=bid.signals,
        )
