"""Request and response bodies of the evaluation API."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator

from zhaocai.evaluation.correction import BillLine
from zhaocai.evaluation.plan import Criterion, EvaluationPlan
from zhaocai.tendering.schemas import Money
from zhaocai.web.schemas import StrictIn

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
MemberId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z]+$")]
BidId = Annotated[str, Field(min_length=1, max_length=26, pattern=r"^[0-9A-Za-z]+$")]


def _number(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError('give numbers as decimal strings such as "12.5" (floats are not exact)')
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise ValueError("a number is finite and below 10^15 in size")
    if number.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValueError("at most four decimals")
    return number


Number = Annotated[Decimal, BeforeValidator(_number), Field(description='a decimal string, e.g. "12.5"')]


class CriterionIn(StrictIn):
    id: Code
    name: Text
    envelope: Literal["technical", "price"] = "technical"
    min: Number
    max: Number
    rule: str = Field("", max_length=4000, description="how it is scored (评分标准), in the tender documents' words")


class PlanIn(StrictIn):
    method: Literal["lowest_evaluated_price", "comprehensive"]
    committee_size: int = Field(..., ge=1, le=99)
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=100)
    price_points: Number | None = None
    price_benchmark: Literal["lowest_valid", "average_valid"] | None = None
    technical_pass_score: Number | None = None
    ceiling_price: Money | None = None
    required_declarations: list[Code] = Field(default_factory=list, max_length=50)

    def to_plan(self) -> EvaluationPlan:
        return EvaluationPlan(
            method=self.method,
            committee_size=self.committee_size,
            criteria=tuple(
                Criterion(id=c.id, name=c.name, envelope=c.envelope, min=c.min, max=c.max, rule=c.rule)
                for c in self.criteria
            ),
            price_points=self.price_points,
            price_benchmark=self.price_benchmark,
            technical_pass_score=self.technical_pass_score,
            ceiling_price=self.ceiling_price,
            required_declarations=tuple(self.required_declarations),
        )


class PlanOut(BaseModel):
    lot_id: str
    plan: dict[str, Any]


class RevisionOut(BaseModel):
    lot_id: str
    revision: int


class StartIn(StrictIn):
    chair_member_id: MemberId


class StatusOut(BaseModel):
    lot_id: str
    state: str
    stage: str
    chair_member_id: str | None
    extension_required: bool
    extended_until: datetime | None
    technical_passed: list[str] | None


class CheckIn(StrictIn):
    passed: bool
    reason: str | None = Field(None, max_length=4000)


class SheetIn(StrictIn):
    bid_id: BidId
    checklist: dict[Code, CheckIn] = Field(..., max_length=20)
    scores: dict[Code, Number] = Field(default_factory=dict, max_length=100)
    comment: str | None = Field(None, max_length=4000)


class SheetOut(BaseModel):
    id: str
    stage: str
    member_id: str
    bid_id: str
    checklist: dict[str, Any]
    scores: dict[str, str]
    comment: str | None
    status: str
    void_reason: str | None
    submitted_at: datetime


class CreatedOut(BaseModel):
    id: str | None


class BillLineIn(StrictIn):
    item: Text
    quantity: Number
    unit_price: Number
    total: Number

    def to_line(self) -> BillLine:
        return BillLine(self.item, self.quantity, self.unit_price, self.total)


class CorrectionIn(StrictIn):
    bid_id: BidId
    bill: list[BillLineIn] = Field(default_factory=list, max_length=2000)


class ClarificationIn(StrictIn):
    bid_id: BidId
    question: Text


class AnswerIn(StrictIn):
    answer: Text
    accept: bool | None = None


class ClarificationOut(BaseModel):
    id: str
    lot_id: str
    bid_id: str
    kind: str
    question: str
    original_price: str | None
    corrected_price: str | None
    asked_at: datetime
    answer: str | None
    accepted: bool | None
    answered_at: datetime | None


class TimeClaimIn(StrictIn):
    reason: Text


class TimeClaimOut(BaseModel):
    extension_required: bool


class ExtensionIn(StrictIn):
    until: datetime


class DraftIn(StrictIn):
    reject_all: bool = False
    reason: str | None = Field(None, max_length=4000)


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{field} must be base64") from None


class SignIn(StrictIn):
    certificate_pem: str = Field(..., min_length=1, max_length=20000, description="the signing certificate, PEM")
    signature: str = Field(..., min_length=1, max_length=2000, description="base64 signature over the document")
    dissent: str | None = Field(None, max_length=8000, description="不同意见 and its reasons, if any")

    @field_validator("signature")
    @classmethod
    def _signature_is_base64(cls, value: str) -> str:
        _b64(value, "signature")
        return value

    def signature_bytes(self) -> bytes:
        return _b64(self.signature, "signature")


class RefuseIn(StrictIn):
    reasons: Text


class SignatureOut(BaseModel):
    member_id: str
    kind: str
    signature_algorithm: str | None
    certificate_pem: str | None
    signature: str | None
    dissent: str | None
    signed_at: datetime


class ReportOut(BaseModel):
    id: str
    lot_id: str
    state: str
    method: str
    all_rejected: bool
    candidates: list[dict[str, Any]]
    document: str = Field(..., description="base64 of the canonical JSON document the members sign")
    document_sha256: str
    drafted_at: datetime
    completed_at: datetime | None
    signatures: list[SignatureOut]


class StateOut(BaseModel):
    state: str
