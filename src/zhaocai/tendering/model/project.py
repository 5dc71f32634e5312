"""The investment project (投资项目) a tender belongs to: its code, its approval record and how it is funded."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from zhaocai.core.codes import validate_project_code
from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import parse_yuan
from zhaocai.tendering.model.citations import APPROVAL


class ApprovalKind(StrEnum):
    APPROVED = "approved"  # 审批
    AUTHORISED = "authorised"  # 核准
    RECORDED = "recorded"  # 备案


@dataclass(frozen=True)
class ApprovalRecord:
    """Who approved, authorised or recorded the project, by which document and when (条例7)."""

    kind: ApprovalKind
    authority: str
    document_number: str
    approved_on: date


@dataclass(frozen=True)
class Funding:
    """How the project is paid for: what the must-tender test (16号令2–4) and the open-tender rule (条例8) read."""

    total_investment: Decimal  # 投资额
    budget_funds: Decimal = Decimal("0.00")  # 预算资金
    state_funded: bool = False  # 全部或者部分使用国有资金投资或者国家融资
    state_controlled: bool = False  # 国有资金占控股或者主导地位 (16号令2(二); 条例8)
    foreign_loans_or_aid: bool = False  # 国际组织或者外国政府贷款、援助资金 (16号令3)
    public_interest_infrastructure: bool = False  # 大型基础设施、公用事业 (16号令4, 发改法规规〔2018〕843号)

    @property
    def uses_state_funds(self) -> bool:
        return self.state_funded or self.state_controlled or self.budget_funds > 0


@dataclass(frozen=True)
class Project:
    code: str  # 投资项目代码, normalised
    name: str
    approval: ApprovalRecord
    funding: Funding


def required_text(value: str, field: str, label: str, citation: str | None = None) -> str:
    """`value` stripped; refuses an empty one naming the field."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(f"{label} must be given", field=field, citation=citation)
    return text


def positive_yuan(value: Decimal | int | str, field: str, label: str) -> Decimal:
    amount = parse_yuan(value, field=field)
    if amount <= 0:
        raise ValidationFailed(f"{label} must be more than ¥0.00, got {amount}", field=field)
    return amount


def new_project(*, code: str, name: str, approval: ApprovalRecord, funding: Funding, today: date) -> Project:
    """A project checked as the tenderer registers it: a valid 投资项目代码, a complete approval record dated no
    later than `today`, and consistent funding amounts."""
    parsed = validate_project_code(code, today=today)
    checked_approval = ApprovalRecord(
        kind=ApprovalKind(approval.kind),
        authority=required_text(approval.authority, "approval.authority", "the approving authority", APPROVAL),
        document_number=required_text(
            approval.document_number, "approval.document_number", "the approval document number", APPROVAL
        ),
        approved_on=approval.approved_on,
    )
    if approval.approved_on > today:
        raise ValidationFailed(
            f"the approval date {approval.approved_on} lies after today ({today})",
            field="approval.approved_on",
            citation=APPROVAL,
        )
    total = positive_yuan(funding.total_investment, "funding.total_investment", "the total investment (投资额)")
    budget = parse_yuan(funding.budget_funds, field="funding.budget_funds")
    if budget > total:
        raise ValidationFailed(
            f"budget funds (预算资金) {budget} exceed the total investment {total}", field="funding.budget_funds"
        )
    return Project(
        code=parsed.code,
        name=required_text(name, "name", "the project name"),
        approval=checked_approval,
        funding=replace(funding, total_investment=total, budget_funds=budget),
    )
