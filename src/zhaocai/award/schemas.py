"""Request and response bodies of the award API."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from zhaocai.award.model import CandidateInput, ContractTerms, PassedOver, PassOverReason, PublicityContent
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import ValidationFailed
from zhaocai.web.schemas import StrictIn

BidId = Field(..., min_length=1, max_length=26, pattern=r"^[0-9A-Za-z]+$")
Money = Field(..., pattern=r"^\d{1,13}(\.\d{1,2})?$", description="yuan, at most 2 decimals")


class CandidateIn(StrictIn):
    bid_id: str = BidId
    qualifications: str = Field(..., max_length=4000, description="响应招标文件要求的资格能力条件")
    quality: str | None = Field(None, max_length=200, description="only where the report has none")
    duration_days: int | None = Field(None, ge=1, le=100000)
    project_manager: str | None = Field(None, max_length=100)
    project_manager_certificate: str | None = Field(None, max_length=100)

    def to_input(self) -> CandidateInput:
        return CandidateInput(**self.model_dump())


class PublicityIn(StrictIn):
    ends_at: AwareDatetime = Field(..., description="at least candidate_publicity_min_days after publication (条例54)")
    evaluation_summary: str = Field(..., max_length=8000, description="评标情况")
    objection_channel: str = Field(..., max_length=2000, description="提出异议的渠道和方式")
    candidates: list[CandidateIn] = Field(..., max_length=3)


class PublicCandidateOut(BaseModel):
    rank: int
    bid_id: str
    bidder_name: str
    bidder_credit_code: str
    price: str
    quality: str
    duration_days: int
    project_manager: str
    project_manager_certificate: str
    qualifications: str


class PublicityOut(BaseModel):
    tender_number: str
    lot_number: str
    lot_name: str
    report_id: str
    starts_at: datetime
    ends_at: datetime
    evaluation_summary: str
    objection_channel: str
    candidates: list[PublicCandidateOut]

    @classmethod
    def of(cls, content: PublicityContent | dict[str, Any]) -> PublicityOut:
        """From the content as published (stored as canonical JSON) or as just made."""
        data = content if isinstance(content, dict) else json.loads(canonical_json(content))
        return cls.model_validate({k: data[k] for k in cls.model_fields})


class ObjectionIn(StrictIn):
    objection: str = Field(..., max_length=8000)


class ObjectionOut(BaseModel):
    id: str
    raised_at: datetime
    answer_due_at: datetime
    answered_at: datetime | None = None
    overdue: bool = False


class AnswerIn(StrictIn):
    answer: str = Field(..., max_length=8000)


class PassedOverIn(StrictIn):
    bid_id: str = BidId
    reason: Literal["gave_up", "cannot_perform", "no_performance_bond", "disqualified", "tenderer_choice"]
    explanation: str = Field(..., max_length=4000)

    def to_model(self) -> PassedOver:
        return PassedOver(self.bid_id, PassOverReason(self.reason), self.explanation)


class AwardIn(StrictIn):
    bid_id: str = BidId
    passed_over: list[PassedOverIn] = Field(default_factory=list, max_length=2)


class AwardOut(BaseModel):
    lot_id: str
    winner_bid_id: str
    winner_org_id: str
    price: str
    awarded_at: datetime
    contract_signed_at: datetime | None


class ReportIn(StrictIn):
    report: str = Field(..., max_length=20000, description="招标投标情况的书面报告 (法47)")


class NoticeOut(BaseModel):
    id: str
    kind: str
    org_id: str
    pdf_sha256: str
    pdf_size: int
    generated_at: datetime
    signed_at: datetime | None
    signature_algorithm: str | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> NoticeOut:
        return cls(
            id=row.id,
            kind=row.kind,
            org_id=row.org_id,
            pdf_sha256=row.pdf_key,
            pdf_size=row.pdf_size,
            generated_at=row.generated_at,
            signed_at=row.signed_at,
            signature_algorithm=row.signature_algorithm,
            delivered_at=row.delivered_at,
        )


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(f"{field} must be base64", field=field) from None


class SignatureIn(StrictIn):
    certificate: str = Field(..., max_length=20000, description="the signer's certificate: PEM, or base64 DER")
    signature: str = Field(..., max_length=2000, description="base64 of the detached signature (DER r,s)")

    def certificate_bytes(self) -> bytes:
        text = self.certificate.strip()
        return text.encode() if text.startswith("-----BEGIN") else _b64(text, "certificate")

    def signature_bytes(self) -> bytes:
        return _b64(self.signature.strip(), "signature")


class ContractIn(StrictIn):
    price: str = Money
    performance_bond: str = Money
    duration_days: int | None = Field(None, ge=1, le=100000)
    quality: str | None = Field(None, max_length=200)
    project_manager: str | None = Field(None, max_length=100)
    clauses: str = Field(..., max_length=100000)

    def to_terms(self) -> ContractTerms:
        return ContractTerms(
            price=Decimal(self.price),
            performance_bond=Decimal(self.performance_bond),
            duration_days=self.duration_days,
            quality=self.quality,
            project_manager=self.project_manager,
            clauses=self.clauses,
        )


class ContractOut(BaseModel):
    id: str
    lot_id: str
    price: str
    performance_bond: str
    document_sha256: str
    drafted_at: datetime
    signing_due_day: date
    signed_by: list[str]
    signed_at: datetime | None
    signed_late: bool | None


class SignedOut(BaseModel):
    party: str


class PerformanceIn(StrictIn):
    kind: Literal["payment", "milestone", "acceptance", "change", "dispute", "completion"]
    occurred_on: date
    description: str = Field(..., max_length=8000)
    amount: str | None = Field(None, pattern=r"^\d{1,13}(\.\d{1,2})?$")


class CreatedOut(BaseModel):
    id: str
