"""Request and response bodies of the bond API. Money travels as decimal text (exact); shapes and lengths are
checked here, the rules in the use cases."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from zhaocai.bonds import queries, views
from zhaocai.bonds.model import BasicAccount
from zhaocai.bonds.repository import Guarantee
from zhaocai.bonds.service import IssuedReference
from zhaocai.bonds.statement import Problem
from zhaocai.web.schemas import StrictIn

NO_NUL = r"^[^\x00]*$"
Short = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Yuan = Annotated[
    str, Field(pattern=r"^\d{1,13}(\.\d{1,2})?$", description="yuan as decimal text", examples=["200000.00"])
]


def _yuan(value: Decimal) -> str:
    return f"{value:.2f}"


class BasicAccountIn(StrictIn):
    account_number: str = Field(..., min_length=1, max_length=40, pattern=NO_NUL, description="基本存款账户 number")
    account_name: Short = Field(..., description="the account's name: the organisation's registered name")
    bank_name: Short = Field(..., description="开户行")


class BasicAccountOut(BaseModel):
    org_id: str
    account_number: str
    account_name: str
    bank_name: str

    @classmethod
    def of(cls, account: BasicAccount) -> BasicAccountOut:
        return cls(
            org_id=account.org_id,
            account_number=account.account_number,
            account_name=account.account_name,
            bank_name=account.bank_name,
        )


class ReferenceOut(BaseModel):
    lot_id: str
    code: str = Field(..., description="write it in the transfer's remark (附言), or pay to the virtual sub-account")
    amount: str = Field(..., description="the bond the lot asks for, in yuan")
    pay_before: datetime = Field(..., description="the bid deadline: the money must have arrived by then")

    @classmethod
    def of(cls, issued: IssuedReference) -> ReferenceOut:
        return cls(lot_id=issued.lot_id, code=issued.code, amount=_yuan(issued.amount), pay_before=issued.pay_before)


class GuaranteeIn(StrictIn):
    issuer: Short = Field(..., description="出具机构 (bank, insurer or guarantee company)")
    number: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL, description="保函编号")
    amount: Yuan
    beneficiary: Short = Field(..., description="受益人: the tenderer")
    valid_from: date
    valid_until: date
    verification_code: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL, description="验真码")


class GuaranteeOut(BaseModel):
    id: str
    issuer: str
    number: str
    amount: str
    valid_from: date
    valid_until: date
    recorded_at: datetime

    @classmethod
    def of(cls, guarantee: Guarantee | queries.GuaranteeView) -> GuaranteeOut:
        return cls(
            id=guarantee.id,
            issuer=guarantee.issuer,
            number=guarantee.number,
            amount=_yuan(guarantee.amount),
            valid_from=guarantee.valid_from,
            valid_until=guarantee.valid_until,
            recorded_at=guarantee.recorded_at,
        )


class PaymentOut(BaseModel):
    bank_reference: str
    value_date: date
    amount: str
    payer_account_number: str
    status: str = Field(..., description="accepted | refused | late | held")
    matched_by: str | None
    reason_code: str | None
    reason: str | None
    citation: str | None
    refund_id: str | None


class RefundOut(BaseModel):
    id: str
    cause: str
    citation: str
    amount: str
    guarantee_id: str | None
    due_day: date
    state: str = Field(..., description="due | overdue | refunded")
    refunded_at: datetime | None
    refunded_late: bool | None


class BondStatusOut(BaseModel):
    lot_id: str
    bidder_org_id: str
    required: str
    coverage: str = Field(..., description="unpaid | partial | covered")
    received: str
    shortfall: str
    excess: str
    reference_code: str | None
    guarantee: GuaranteeOut | None
    payments: list[PaymentOut]
    refunds: list[RefundOut]

    @classmethod
    def of(cls, status: queries.BondStatus) -> BondStatusOut:
        return cls(
            lot_id=status.lot_id,
            bidder_org_id=status.bidder_org_id,
            required=_yuan(status.required),
            coverage=status.coverage.value,
            received=_yuan(status.received),
            shortfall=_yuan(status.shortfall),
            excess=_yuan(status.excess),
            reference_code=status.reference_code,
            guarantee=GuaranteeOut.of(status.guarantee) if status.guarantee else None,
            payments=[PaymentOut(**(p.__dict__ | {"amount": _yuan(p.amount)})) for p in status.payments],
            refunds=[RefundOut(**(r.__dict__ | {"amount": _yuan(r.amount)})) for r in status.refunds],
        )


class ProblemOut(BaseModel):
    row: int = Field(..., description="as a spreadsheet numbers it: the header is row 1")
    column: str
    message: str

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        return cls(row=problem.row_number, column=problem.column, message=problem.message)


class UnresolvedOut(BaseModel):
    bank_reference: str
    statement_id: str
    row: int
    status: str | None = Field(None, description="shown for a row tied to a lot only after its bid deadline")
    reason_code: str | None
    reason: str | None
    citation: str | None
    lot_id: str | None
    bidder_org_id: str | None

    @classmethod
    def of(cls, row: views.UnresolvedRow) -> UnresolvedOut:
        values = row.__dict__ | {"row": row.row_number}
        values.pop("row_number")
        return cls(**values)


class StatementOut(BaseModel):
    id: str
    sha256: str
    size: int
    filename: str | None
    encoding: str
    imported_at: datetime
    rows_total: int
    rows_new: int
    rows_known: int = Field(..., description="rows already imported before (by bank reference): skipped")
    already_imported: bool = Field(..., description="this very file was imported before; nothing changed")
    problems: list[ProblemOut]
    unresolved: list[UnresolvedOut] = Field(..., description="rows of this statement not accepted as bonds")

    @classmethod
    def of(cls, view: views.StatementView, *, already_imported: bool = False) -> StatementOut:
        s = view.statement
        return cls(
            id=s.id,
            sha256=s.blob_key,
            size=s.size,
            filename=s.filename,
            encoding=s.encoding,
            imported_at=s.imported_at,
            rows_total=s.rows_total,
            rows_new=s.rows_new,
            rows_known=s.rows_known,
            already_imported=already_imported,
            problems=[ProblemOut.of(p) for p in view.problems],
            unresolved=[UnresolvedOut.of(row) for row in view.unresolved],
        )


class RefundMadeIn(StrictIn):
    bank_reference: str | None = Field(
        None, min_length=1, max_length=64, pattern=r"^[0-9A-Za-z\-_/]+$", description="the transfer back (流水号)"
    )


class RefundWorkOut(BaseModel):
    id: str
    citation: str
    amount: str
    due_day: date
    state: str
    payer_bank_references: list[str]
    guarantee_issuer: str | None
    guarantee_number: str | None
    refunded_at: datetime | None
    refunded_late: bool | None
    lot_id: str | None = Field(None, description="shown only after the lot's bid deadline")
    bidder_org_id: str | None = Field(None, description="shown only after the lot's bid deadline")

    @classmethod
    def of(cls, work: views.RefundWork) -> RefundWorkOut:
        values = work.__dict__ | {
            "amount": _yuan(work.amount),
            "payer_bank_references": list(work.payer_bank_references),
        }
        return cls(**values)
