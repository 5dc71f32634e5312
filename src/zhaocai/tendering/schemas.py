"""Request and response bodies of the tendering API. Shapes, lengths and formats are checked here (money as a
decimal string or number with at most two decimals, never a float; times ISO 8601 with a timezone); the rules of the
law are checked by the use cases, so that breaking them is audited."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field, PlainSerializer

from zhaocai.tendering.model import Notice, TenderProject
from zhaocai.web.schemas import StrictIn


def _money(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError('give money as a decimal string such as "200000.00" (floats are not exact)')
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount of yuan") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("an amount is a finite number of yuan, not negative")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("an amount has at most two decimals (分)")
    if amount >= Decimal(10) ** 15:
        raise ValueError("an amount is below 10^15 yuan")
    return amount


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    Field(description='yuan, a decimal string with at most two decimals, e.g. "200000.00"', examples=["200000.00"]),
]
MoneyOut = Annotated[Decimal, PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str)]
Text = Annotated[str, Field(min_length=1, max_length=300)]
LongText = Annotated[str, Field(min_length=1, max_length=20_000)]
OrgId = Annotated[str, Field(min_length=1, max_length=26, pattern=r"^[0-9A-Za-z]+$")]
Moment = Annotated[AwareDatetime, Field(description="ISO 8601 with its timezone, e.g. 2026-03-24T09:00:00+08:00")]


# --- projects ----------------------------------------------------------------------------------------------------


class ApprovalIn(StrictIn):
    kind: Literal["approved", "authorised", "recorded"] = Field(..., description="审批 / 核准 / 备案")
    authority: Text
    document_number: Text
    approved_on: date


class FundingIn(StrictIn):
    total_investment: Money = Field(..., description="投资额 (yuan)")
    budget_funds: Money = Field(Decimal("0.00"), description="预算资金 (yuan)")
    state_funded: bool = False
    state_controlled: bool = Field(False, description="国有资金占控股或者主导地位 (条例8: open tender required)")
    foreign_loans_or_aid: bool = False
    public_interest_infrastructure: bool = False


class ProjectIn(StrictIn):
    code: str = Field(..., min_length=1, max_length=40, description="投资项目代码, e.g. 2411-130202-89-01-637015")
    name: Text
    approval: ApprovalIn
    funding: FundingIn


class ProjectOut(BaseModel):
    id: str
    code: str
    name: str
    owner_org_id: str
    approval: dict[str, Any]
    funding: dict[str, Any]
    registered_at: datetime


# --- tenders -----------------------------------------------------------------------------------------------------


class LotIn(StrictIn):
    name: Text
    estimate: Money
    bond_amount: Money = Field(..., description="投标保证金: at most 2% of the lot's estimate (条例26)")


class TenderIn(StrictIn):
    project_id: OrgId
    name: Text
    kind: Literal["works", "goods", "services"]
    method: Literal["open", "invited"] = "open"
    organisation: Literal["self_run", "agency"] = "self_run"
    agent_org_id: OrgId | None = Field(None, description="the appointed agency (法12), with organisation=agency")
    estimate: Money = Field(..., description="the contract estimate (估算价) the must-tender check reads")
    merged_estimate: Money | None = Field(None, description="mergeable purchases of the project together (16号令5)")
    suite: Literal["gm", "std"] = "gm"
    two_envelope: bool = False
    prequalification: bool = False
    backup_key_remedy: bool = Field(False, description="the documents announce the backup-key remedy (20号令31)")
    price_ceiling: Money | None = Field(None, description="最高投标限价, published (条例27)")
    reference_price: Money | None = Field(None, description="标底, secret until opening (条例27)")
    invitees: list[OrgId] = Field(default_factory=list, max_length=200, description="invited tender: ≥3 (法17)")
    invitation_grounds: str = Field("", max_length=2000, description="条例8 grounds for inviting")
    lots: list[LotIn] = Field(..., min_length=1, max_length=100)


class TenderCreatedOut(BaseModel):
    tender_id: str
    number: str
    lot_ids: list[str]
    mandatory: bool
    verdict: dict[str, Any]


class LotOut(BaseModel):
    id: str
    tender_id: str
    seq: int
    number: str
    name: str
    estimate: MoneyOut
    bond_amount: MoneyOut


class ScheduleOut(BaseModel):
    prequal_issued_at: datetime | None = None
    prequal_sale_ends_at: datetime | None = None
    applications_due: datetime | None = None
    documents_issued_at: datetime | None = None
    sale_ends_at: datetime | None = None
    bid_deadline: datetime | None = None


class TenderOut(BaseModel):
    """A tender as the caller may see it. `reference_price`, `invitees`, `qualified_org_ids` and the must-tender
    `verdict` are for the tender's own side and supervisors; the public sees the rest once the notice is out."""

    id: str
    number: str
    name: str
    project_code: str
    kind: str
    method: str
    organisation: str
    tenderer_org_id: str
    agent_org_id: str | None
    estimate: MoneyOut
    price_ceiling: MoneyOut | None
    suite: str
    two_envelope: bool
    prequalification: bool
    backup_key_remedy: bool
    mandatory: bool
    state: str
    active_state: str
    suspended_by_directive: bool
    rules_date: date | None
    schedule: ScheduleOut
    lots: list[LotOut]
    notice: dict[str, Any] | None
    end_reason: str
    predecessor_id: str | None
    successor_id: str | None
    passed_applicants: int | None = None
    reference_price: MoneyOut | None = None
    invitees: list[str] | None = None
    qualified_org_ids: list[str] | None = None
    verdict: dict[str, Any] | None = None

    @classmethod
    def of(
        cls, tender: TenderProject, lot_ids: dict[str, str], *, full: bool, verdict: dict[str, Any] | None
    ) -> TenderOut:
        from zhaocai.tendering import codec

        lots = [
            LotOut(
                id=lot_ids[lot.number],
                tender_id=tender.id,
                seq=lot.seq,
                number=lot.number,
                name=lot.name,
                estimate=lot.estimate,
                bond_amount=lot.bond_amount,
            )
            for lot in tender.lots
        ]
        schedule = tender.schedule
        return cls(
            id=tender.id,
            number=tender.number,
            name=tender.name,
            project_code=tender.project_code,
            kind=tender.kind.value,
            method=tender.method.value,
            organisation=tender.organisation.value,
            tenderer_org_id=tender.tenderer_org_id,
            agent_org_id=tender.agent_org_id,
            estimate=tender.estimate,
            price_ceiling=tender.price_ceiling,
            suite=tender.suite.value,
            two_envelope=tender.two_envelope,
            prequalification=tender.prequalification,
            backup_key_remedy=tender.backup_key_remedy,
            mandatory=tender.mandatory,
            state=tender.state.value,
            active_state=tender.active_state.value,
            suspended_by_directive=bool(tender.suspension and tender.suspension.directive),
            rules_date=tender.rules_date,
            schedule=ScheduleOut(**{name: getattr(schedule, name) for name in ScheduleOut.model_fields}),
            lots=lots,
            notice=codec.to_data(tender.notice) if tender.notice else None,
            end_reason=tender.end_reason,
            predecessor_id=tender.predecessor_id,
            successor_id=tender.successor_id,
            passed_applicants=tender.passed_applicants if full else None,
            reference_price=tender.reference_price if full else None,
            invitees=list(tender.invitees) if full else None,
            qualified_org_ids=list(tender.qualified_org_ids) if full else None,
            verdict=verdict if full else None,
        )


class TenderSummaryOut(BaseModel):
    id: str
    number: str
    name: str
    state: str
    bid_deadline: datetime | None
    published_at: datetime | None


class ContactIn(StrictIn):
    organisation: Text
    address: Text
    person: Text
    phone: str = Field(..., min_length=1, max_length=40)


class NoticeIn(StrictIn):
    """The notice's content; the use case checks it against 10号令5 and names every item left out."""

    kind: Literal["tender_notice", "prequal_notice", "invitation"]
    tender_number: str = Field(..., min_length=1, max_length=64)
    tender_name: str = Field("", max_length=300)
    content: str = Field("", max_length=20_000)
    scope: str = Field("", max_length=20_000)
    scale: str = Field("", max_length=2000)
    funding_source: str = Field("", max_length=2000)
    qualifications: str = Field("", max_length=20_000)
    consortium_allowed: bool | None = None
    documents_from: Moment | None = None
    documents_until: Moment | None = None
    documents_how: str = Field("", max_length=2000)
    submission_deadline: Moment | None = None
    submission_how: str = Field("", max_length=2000)
    tenderer: ContactIn | None = None
    agent: ContactIn | None = None
    platform_url: str = Field("", max_length=500)
    platform_usage: str = Field("", max_length=2000)

    def to_model(self) -> Notice:
        from zhaocai.tendering import codec

        return codec.from_data(Notice, self.model_dump(mode="json"))


class PrequalResultIn(StrictIn):
    qualified_org_ids: list[OrgId] = Field(..., max_length=1000, description="those who passed (条例19: ≥3)")
    reason: str = Field("", max_length=2000)


class ReasonIn(StrictIn):
    reason: LongText


class OptionalReasonIn(StrictIn):
    reason: str = Field("", max_length=20_000)


class DirectiveIn(StrictIn):
    action: Literal["suspend", "lift"]
    reference: str = Field(..., min_length=1, max_length=100, description="the directive's document number")
    reason: LongText


# --- documents, clarifications, questions, objections ------------------------------------------------------------


class DocumentOut(BaseModel):
    id: str
    stage: str
    filename: str
    media_type: str
    version: int
    sha256: str
    size: int
    current: bool
    issued_at: datetime
    clarification_id: str | None


class DownloaderOut(BaseModel):
    org_id: str
    org_name: str
    first_downloaded_at: datetime
    downloads: int


class DownloadersOut(BaseModel):
    tender_id: str
    stage: str
    count: int
    downloaders: list[DownloaderOut]


class ClarificationOut(BaseModel):
    id: str
    seq: int
    stage: str
    title: str
    body: str
    affects_bids: bool
    deadline_before: datetime | None
    deadline_after: datetime | None
    published_at: datetime


class QuestionIn(StrictIn):
    question: LongText


class AnswerIn(StrictIn):
    answer: LongText
    affects_bids: bool = False
    new_deadline: Moment | None = None


class QuestionCreatedOut(BaseModel):
    question_id: str


class AnsweredQuestionOut(BaseModel):
    id: str
    question: str
    answer: str
    answered_at: datetime


class OpenQuestionOut(BaseModel):
    id: str
    question: str
    asked_at: datetime


class MyQuestionOut(BaseModel):
    id: str
    question: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None


class ObjectionIn(StrictIn):
    objection: LongText


class ObjectionAnswerIn(StrictIn):
    answer: LongText
    resume: bool = True


class ObjectionCreatedOut(BaseModel):
    objection_id: str


class ObjectionOut(BaseModel):
    id: str
    stage: str
    text: str
    raised_at: datetime
    answer_due_at: datetime
    answer: str | None
    answered_at: datetime | None
    overdue: bool


class SuccessorOut(BaseModel):
    tender_id: str
    number: str
    lot_ids: list[str]


class ProcedureRowOut(BaseModel):
    state: str
    event: str
    next_state: str
    guards: list[str]
