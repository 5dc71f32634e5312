"""Matching a credit on the bond account to the (lot, bidder) it pays for, and deciding what it counts as.

1. By reference: the remark (附言) carries the code issued to the bidder for the lot, or the credit went to the
   virtual sub-account ending with it. Several different issued codes in one remark: unmatched.
2. By account and amount, when there is no code: the payer account is a bidder's registered basic account and
   exactly one lot that bidder asked a code for expects exactly this amount, is not yet paid, and the money came in
   time. Anything less certain stays unmatched for the operator.
Then a matched payment is held (the lot's bond breaks the rules), late (after the bid deadline), refused (a cash
bond of a 依法必须招标 tender not from the bidder's basic account, 条例26), or accepted.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Connection

from zhaocai.bonds import repository
from zhaocai.bonds.lots import LotBond, LotCache
from zhaocai.bonds.model import (
    BasicAccount,
    Decision,
    MatchedBy,
    PaymentStatus,
    arrived_late,
    code_of_virtual_account,
    codes_in_remark,
)
from zhaocai.bonds.statement import StatementRow
from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import ValidationFailed
from zhaocai.tendering.model import BondForm, BondPayment, check_bond_payment

Match = tuple[str, str, MatchedBy]  # (lot_id, bidder_org_id, how)

UNKNOWN_BASIC_ACCOUNT = "basic_account_unknown"


def match_row(conn: Connection, row: StatementRow, lots: LotCache) -> tuple[Match | None, Decision]:
    codes = codes_in_remark(row.remark)
    virtual = code_of_virtual_account(row.credited_account)
    if virtual:
        codes.add(virtual)
    issued = {ref for ref in (repository.reference_by_code(conn, code) for code in sorted(codes)) if ref}
    targets = {(ref.lot_id, ref.bidder_org_id) for ref in issued}
    if len(targets) > 1:
        return None, _unmatched("ambiguous", "the remark names several payment reference codes")
    if targets:
        lot_id, org_id = targets.pop()
        return (lot_id, org_id, MatchedBy.REFERENCE), decide(conn, row, lots(lot_id), org_id)
    if codes:
        return None, _unmatched("unknown_reference", "no payment reference code like this was issued")
    match = _by_account_and_amount(conn, row, lots)
    if match is None:
        return None, _unmatched("no_reference", "no payment reference code, and no single bond it can only be for")
    lot_id, org_id, _ = match
    return match, decide(conn, row, lots(lot_id), org_id)


def decide(conn: Connection, row: StatementRow, lot: LotBond, org_id: str) -> Decision:
    problem = lot.requirement_error()
    if problem is not None:
        return Decision(PaymentStatus.HELD, "bond_requirement_invalid", problem.message, problem.citation)
    if arrived_late(row.value_date, row.value_at, lot.deadline):
        return Decision(PaymentStatus.LATE, "late", "the payment arrived after the bid deadline")
    account = repository.basic_account(conn, org_id)
    try:
        check_bond_payment(_as_bond_payment(row, lot, org_id, account), lot.book)
    except ValidationFailed as error:
        if account is None:
            why = "no basic account is registered for the bidder"
            return Decision(PaymentStatus.REFUSED, UNKNOWN_BASIC_ACCOUNT, f"{error.message}: {why}", error.citation)
        why = f"it came from account {row.payer_account_number}, not the registered basic account"
        return Decision(PaymentStatus.REFUSED, "not_basic_account", f"{error.message}: {why}", error.citation)
    return Decision(PaymentStatus.ACCEPTED)


def _as_bond_payment(row: StatementRow, lot: LotBond, org_id: str, account: BasicAccount | None) -> BondPayment:
    received_at = row.value_at or datetime.combine(row.value_date, time(0), tzinfo=SHANGHAI)
    return BondPayment(
        lot_number=lot.terms.lot_number,
        bidder_id=org_id,
        amount=row.amount,
        form=BondForm.TRANSFER,
        received_at=received_at,
        from_basic_account=account is not None and account.account_number == row.payer_account_number,
    )


def _by_account_and_amount(conn: Connection, row: StatementRow, lots: LotCache) -> Match | None:
    payers = repository.orgs_paying_from(conn, row.payer_account_number)
    candidates = []
    for ref in repository.references_of(conn, payers) if payers else []:
        lot = lots(ref.lot_id)
        if lot.required != row.amount or arrived_late(row.value_date, row.value_at, lot.deadline):
            continue
        paid = [p for p in repository.payments_of(conn, ref.lot_id, ref.bidder_org_id) if _counts(p)]
        if not paid:
            candidates.append((ref.lot_id, ref.bidder_org_id, MatchedBy.ACCOUNT_AND_AMOUNT))
    return candidates[0] if len(candidates) == 1 else None


def _counts(payment: repository.Payment) -> bool:
    return payment.status is PaymentStatus.ACCEPTED and payment.refund_id is None


def _unmatched(code: str, reason: str) -> Decision:
    return Decision(PaymentStatus.UNMATCHED, code, reason)
