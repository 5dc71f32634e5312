"""Reading and writing the bond tables. Plain records out; money as Decimal (stored as decimal text)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from zhaocai.adapters.db.tables.bonds import (
    bond_basic_accounts,
    bond_guarantees,
    bond_payments,
    bond_references,
    bond_refunds,
    bond_statement_problems,
    bond_statements,
)
from zhaocai.bonds.model import BasicAccount, Decision, MatchedBy, PaymentStatus, RefundCause, RefundState
from zhaocai.bonds.statement import Problem, StatementRow
from zhaocai.core.errors import NotFound
from zhaocai.core.ids import new_id

# --- basic accounts ----------------------------------------------------------------------------------------------


def basic_account(conn: Connection, org_id: str) -> BasicAccount | None:
    row = conn.execute(
        select(bond_basic_accounts).where(
            bond_basic_accounts.c.org_id == org_id, bond_basic_accounts.c.replaced_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    return BasicAccount(row.org_id, row.account_number, row.account_name, row.bank_name)


def orgs_paying_from(conn: Connection, account_number: str) -> list[str]:
    """The organisations whose basic account (in use) this is."""
    query = select(bond_basic_accounts.c.org_id).where(
        bond_basic_accounts.c.account_number == account_number, bond_basic_accounts.c.replaced_at.is_(None)
    )
    return sorted(conn.execute(query).scalars())


def put_basic_account(conn: Connection, account: BasicAccount, *, at: datetime, by: str | None) -> None:
    table = bond_basic_accounts
    conn.execute(
        update(table).where(table.c.org_id == account.org_id, table.c.replaced_at.is_(None)).values(replaced_at=at)
    )
    conn.execute(
        insert(table).values(
            id=new_id(),
            org_id=account.org_id,
            account_number=account.account_number,
            account_name=account.account_name,
            bank_name=account.bank_name,
            recorded_at=at,
            recorded_by=by,
        )
    )


# --- reference codes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    lot_id: str
    bidder_org_id: str
    code: str
    issued_at: datetime


def _reference(row: Any) -> Reference:
    return Reference(row.lot_id, row.bidder_org_id, row.code, row.issued_at)


def reference_for(conn: Connection, lot_id: str, org_id: str) -> Reference | None:
    row = conn.execute(
        select(bond_references).where(bond_references.c.lot_id == lot_id, bond_references.c.bidder_org_id == org_id)
    ).first()
    return _reference(row) if row else None


def reference_by_code(conn: Connection, code: str) -> Reference | None:
    row = conn.execute(select(bond_references).where(bond_references.c.code == code)).first()
    return _reference(row) if row else None


def references_of(conn: Connection, org_ids: Collection[str]) -> list[Reference]:
    query = select(bond_references).where(bond_references.c.bidder_org_id.in_(list(org_ids)))
    return [_reference(row) for row in conn.execute(query.order_by(bond_references.c.issued_at))]


def code_taken(conn: Connection, code: str) -> bool:
    return conn.execute(select(bond_references.c.id).where(bond_references.c.code == code)).first() is not None


def insert_reference(conn: Connection, reference: Reference, *, by: str | None) -> None:
    conn.execute(
        insert(bond_references).values(
            id=new_id(),
            lot_id=reference.lot_id,
            bidder_org_id=reference.bidder_org_id,
            code=reference.code,
            issued_at=reference.issued_at,
            issued_by=by,
        )
    )


# --- statements --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    id: str
    blob_key: str
    size: int
    filename: str | None
    encoding: str
    imported_at: datetime
    imported_by: str | None
    rows_total: int
    rows_new: int
    rows_known: int


def _statement(row: Any) -> Statement:
    return Statement(**{name: getattr(row, name) for name in Statement.__dataclass_fields__})


def statement_by_blob(conn: Connection, blob_key: str) -> Statement | None:
    row = conn.execute(select(bond_statements).where(bond_statements.c.blob_key == blob_key)).first()
    return _statement(row) if row else None


def get_statement(conn: Connection, statement_id: str) -> Statement:
    row = conn.execute(select(bond_statements).where(bond_statements.c.id == statement_id)).first()
    if row is None:
        raise NotFound(f"no bank statement {statement_id}", field="statement_id")
    return _statement(row)


def insert_statement(conn: Connection, statement: Statement, problems: Collection[Problem]) -> None:
    conn.execute(insert(bond_statements).values(**statement.__dict__))
    for problem in problems:
        conn.execute(
            insert(bond_statement_problems).values(
                id=new_id(),
                statement_id=statement.id,
                row_number=problem.row_number,
                column_name=problem.column,
                message=problem.message,
            )
        )


def statement_problems(conn: Connection, statement_id: str) -> list[Problem]:
    table = bond_statement_problems
    query = select(table).where(table.c.statement_id == statement_id).order_by(table.c.row_number, table.c.id)
    return [Problem(row.row_number, row.column_name, row.message) for row in conn.execute(query)]


# --- payments ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    id: str
    statement_id: str
    row_number: int
    bank_reference: str
    content_hash: str
    value_date: date
    value_at: datetime | None
    amount: Decimal
    payer_account_name: str
    payer_account_number: str
    payer_bank: str
    remark: str
    credited_account: str | None
    status: PaymentStatus
    matched_by: MatchedBy | None
    lot_id: str | None
    bidder_org_id: str | None
    reason_code: str | None
    reason: str | None
    citation: str | None
    decided_at: datetime
    refund_id: str | None


def _payment(row: Any) -> Payment:
    values = {name: getattr(row, name) for name in Payment.__dataclass_fields__}
    values["amount"] = Decimal(row.amount)
    values["status"] = PaymentStatus(row.status)
    values["matched_by"] = MatchedBy(row.matched_by) if row.matched_by else None
    return Payment(**values)


def payment_by_bank_reference(conn: Connection, bank_reference: str) -> Payment | None:
    row = conn.execute(select(bond_payments).where(bond_payments.c.bank_reference == bank_reference)).first()
    return _payment(row) if row else None


def insert_payment(
    conn: Connection,
    statement_id: str,
    row: StatementRow,
    decision: Decision,
    match: tuple[str, str, MatchedBy] | None,
    *,
    at: datetime,
) -> str:
    payment_id = new_id()
    lot_id, org_id, matched_by = match if match else (None, None, None)
    conn.execute(
        insert(bond_payments).values(
            id=payment_id,
            statement_id=statement_id,
            row_number=row.row_number,
            bank_reference=row.bank_reference,
            content_hash=row.content_hash,
            value_date=row.value_date,
            value_at=row.value_at,
            amount=str(row.amount),
            payer_account_name=row.payer_account_name,
            payer_account_number=row.payer_account_number,
            payer_bank=row.payer_bank,
            remark=row.remark,
            credited_account=row.credited_account,
            status=decision.status.value,
            matched_by=matched_by.value if matched_by else None,
            lot_id=lot_id,
            bidder_org_id=org_id,
            reason_code=decision.reason_code,
            reason=decision.reason,
            citation=decision.citation,
            decided_at=at,
        )
    )
    return payment_id


def redecide_payment(conn: Connection, payment_id: str, decision: Decision, *, at: datetime) -> None:
    conn.execute(
        update(bond_payments)
        .where(bond_payments.c.id == payment_id)
        .values(
            status=decision.status.value,
            reason_code=decision.reason_code,
            reason=decision.reason,
            citation=decision.citation,
            decided_at=at,
        )
    )


def payments_of(conn: Connection, lot_id: str, org_id: str) -> list[Payment]:
    query = select(bond_payments).where(bond_payments.c.lot_id == lot_id, bond_payments.c.bidder_org_id == org_id)
    return [_payment(row) for row in conn.execute(query.order_by(bond_payments.c.value_date, bond_payments.c.id))]


def payments_by_org_and_reason(conn: Connection, org_id: str, reason_code: str) -> list[Payment]:
    query = select(bond_payments).where(
        bond_payments.c.bidder_org_id == org_id, bond_payments.c.reason_code == reason_code
    )
    return [_payment(row) for row in conn.execute(query.order_by(bond_payments.c.id))]


def payments_of_lots(conn: Connection, lot_ids: Collection[str]) -> list[Payment]:
    query = select(bond_payments).where(bond_payments.c.lot_id.in_(list(lot_ids)))
    return [_payment(row) for row in conn.execute(query.order_by(bond_payments.c.lot_id, bond_payments.c.id))]


def unresolved_payments(conn: Connection, statement_id: str | None = None) -> list[Payment]:
    query = select(bond_payments).where(bond_payments.c.status != PaymentStatus.ACCEPTED.value)
    if statement_id is not None:
        query = query.where(bond_payments.c.statement_id == statement_id)
    return [
        _payment(row) for row in conn.execute(query.order_by(bond_payments.c.statement_id, bond_payments.c.row_number))
    ]


def attach_payments(conn: Connection, payment_ids: Collection[str], refund_id: str) -> None:
    if payment_ids:
        conn.execute(update(bond_payments).where(bond_payments.c.id.in_(list(payment_ids))).values(refund_id=refund_id))


# --- guarantees --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guarantee:
    id: str
    lot_id: str
    bidder_org_id: str
    issuer: str
    number: str
    amount: Decimal
    beneficiary: str
    valid_from: date
    valid_until: date
    verification_code: str
    recorded_at: datetime
    superseded_at: datetime | None
    refund_id: str | None


def _guarantee(row: Any) -> Guarantee:
    values = {name: getattr(row, name) for name in Guarantee.__dataclass_fields__}
    return Guarantee(**(values | {"amount": Decimal(row.amount)}))


def guarantee_in_use(conn: Connection, lot_id: str, org_id: str) -> Guarantee | None:
    """The guarantee that stands for the bidder's bond now: not superseded and not handed back."""
    row = conn.execute(
        select(bond_guarantees).where(
            bond_guarantees.c.lot_id == lot_id,
            bond_guarantees.c.bidder_org_id == org_id,
            bond_guarantees.c.superseded_at.is_(None),
            bond_guarantees.c.refund_id.is_(None),
        )
    ).first()
    return _guarantee(row) if row else None


def get_guarantee(conn: Connection, guarantee_id: str) -> Guarantee:
    return _guarantee(conn.execute(select(bond_guarantees).where(bond_guarantees.c.id == guarantee_id)).one())


def guarantees_of_lots(conn: Connection, lot_ids: Collection[str]) -> list[Guarantee]:
    query = select(bond_guarantees).where(bond_guarantees.c.lot_id.in_(list(lot_ids)))
    return [_guarantee(row) for row in conn.execute(query.order_by(bond_guarantees.c.lot_id, bond_guarantees.c.id))]


def insert_guarantee(conn: Connection, guarantee: Guarantee, *, by: str | None) -> None:
    table = bond_guarantees
    conn.execute(
        update(table)
        .where(
            table.c.lot_id == guarantee.lot_id,
            table.c.bidder_org_id == guarantee.bidder_org_id,
            table.c.superseded_at.is_(None),
            table.c.refund_id.is_(None),
        )
        .values(superseded_at=guarantee.recorded_at)
    )
    values = guarantee.__dict__ | {"amount": str(guarantee.amount), "recorded_by": by}
    conn.execute(insert(table).values(**values))


def attach_guarantee(conn: Connection, guarantee_id: str, refund_id: str) -> None:
    conn.execute(update(bond_guarantees).where(bond_guarantees.c.id == guarantee_id).values(refund_id=refund_id))


# --- refunds -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refund:
    id: str
    lot_id: str
    bidder_org_id: str
    cause: RefundCause
    rule_key: str
    citation: str
    opened_at: datetime
    due_day: date
    overdue_at: datetime
    amount: Decimal
    guarantee_id: str | None
    state: RefundState
    refunded_at: datetime | None
    refunded_by: str | None
    refund_bank_reference: str | None
    refunded_late: bool | None
    reminded_at: datetime | None
    overdue_flagged_at: datetime | None
    supervision_reported_at: datetime | None
    next_check_at: datetime | None


def _refund(row: Any) -> Refund:
    values = {name: getattr(row, name) for name in Refund.__dataclass_fields__}
    values |= {"amount": Decimal(row.amount), "cause": RefundCause(row.cause), "state": RefundState(row.state)}
    return Refund(**values)


def insert_refund(conn: Connection, refund: Refund) -> None:
    values = refund.__dict__ | {"amount": str(refund.amount), "cause": refund.cause.value, "state": refund.state.value}
    conn.execute(insert(bond_refunds).values(**values))


def get_refund(conn: Connection, refund_id: str, *, for_update: bool = False) -> Refund:
    query = select(bond_refunds).where(bond_refunds.c.id == refund_id)
    row = conn.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound(f"no bond refund {refund_id}", field="refund_id")
    return _refund(row)


def update_refund(conn: Connection, refund_id: str, **values: Any) -> None:
    if not values:
        return
    if "state" in values:
        values["state"] = RefundState(values["state"]).value
    conn.execute(update(bond_refunds).where(bond_refunds.c.id == refund_id).values(**values))


def refunds_of(conn: Connection, lot_id: str, org_id: str) -> list[Refund]:
    query = select(bond_refunds).where(bond_refunds.c.lot_id == lot_id, bond_refunds.c.bidder_org_id == org_id)
    return [_refund(row) for row in conn.execute(query.order_by(bond_refunds.c.opened_at, bond_refunds.c.id))]


def refunds_of_lots(conn: Connection, lot_ids: Collection[str]) -> list[Refund]:
    query = select(bond_refunds).where(bond_refunds.c.lot_id.in_(list(lot_ids)))
    return [_refund(row) for row in conn.execute(query.order_by(bond_refunds.c.lot_id, bond_refunds.c.id))]


def list_refunds(conn: Connection, *, open_only: bool) -> list[Refund]:
    """Every refund, or those not yet made and those made but still awaiting their report to supervision."""
    query = select(bond_refunds)
    if open_only:
        query = query.where(
            (bond_refunds.c.state != RefundState.REFUNDED.value) | bond_refunds.c.next_check_at.is_not(None)
        )
    return [_refund(row) for row in conn.execute(query.order_by(bond_refunds.c.due_day, bond_refunds.c.id))]


def due_refund_ids(conn: Connection, now: datetime, *, limit: int) -> list[str]:
    query = (
        select(bond_refunds.c.id)
        .where(bond_refunds.c.next_check_at.is_not(None), bond_refunds.c.next_check_at <= now)
        .order_by(bond_refunds.c.next_check_at, bond_refunds.c.id)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def refund_ids_of_lots(conn: Connection, lot_ids: Collection[str]) -> list[str]:
    query = select(bond_refunds.c.id).where(bond_refunds.c.lot_id.in_(list(lot_ids))).order_by(bond_refunds.c.id)
    return list(conn.execute(query).scalars())


def payments_of_refund(conn: Connection, refund_id: str) -> list[Payment]:
    query = select(bond_payments).where(bond_payments.c.refund_id == refund_id).order_by(bond_payments.c.id)
    return [_payment(row) for row in conn.execute(query)]
