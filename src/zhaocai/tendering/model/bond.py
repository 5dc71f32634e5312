"""Bid bonds (投标保证金): the amount a lot may ask for, where the money must come from, and when a withdrawn
bidder's bond is due back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from zhaocai.core.errors import ValidationFailed
from zhaocai.rules import check_at_most, check_max_ratio, last_day, period_end
from zhaocai.tendering.model.citations import BOND_BASIC_ACCOUNT
from zhaocai.tendering.model.rulebook import RuleBook

RATIO_RULE = "bid_bond_max_ratio"
WORKS_CAP_RULE = "works_bid_bond_max_yuan"
WITHDRAWAL_REFUND_RULE = "bid_bond_refund_after_withdrawal_days"


class BondForm(StrEnum):
    TRANSFER = "transfer"  # cash: a bank transfer (or cheque) to the bond account
    GUARANTEE = "guarantee"  # 保函, incl. 电子保函


@dataclass(frozen=True)
class BondPayment:
    """A bond as received: a matched bank transfer or a recorded guarantee."""

    lot_number: str
    bidder_id: str
    amount: Decimal
    form: BondForm
    received_at: datetime
    from_basic_account: bool  # the transfer left the bidder's basic account (基本账户)
    domestic_bidder: bool = True
    reference: str = ""  # the bank's reference or the guarantee number


@dataclass(frozen=True)
class RefundDue:
    """A tracked duty: refund the bond by the end of `due_day` (overdue from `overdue_at`)."""

    rule: str
    citation: str
    due_day: date
    overdue_at: datetime


def check_bond_amount(amount: Decimal, estimate: Decimal, book: RuleBook, *, field: str = "bond_amount") -> None:
    """Refuse a bond above bid_bond_max_ratio of the estimate (条例26) or, in a works tender, above the works cap."""
    check_max_ratio(amount, estimate, book.rule(RATIO_RULE), field=field)
    cap = book.governing(WORKS_CAP_RULE)
    if cap is not None:
        check_at_most(amount, cap, field=field)


def check_bond_payment(payment: BondPayment, book: RuleBook) -> None:
    """Refuse a cash bond of a 依法必须招标 tender that did not come from the domestic bidder's basic account
    (条例26). Guarantees and foreign bidders are not bound by it."""
    bound = book.mandatory and payment.domestic_bidder and payment.form is BondForm.TRANSFER
    if bound and not payment.from_basic_account:
        raise ValidationFailed(
            "a cash bid bond must be transferred from the bidder's basic account (基本账户)",
            field="from_basic_account",
            citation=BOND_BASIC_ACCOUNT,
        )


def bond_covers(payment: BondPayment, required: Decimal) -> bool:
    """Whether the payment is at least the bond the lot asks for."""
    return payment.amount >= required


def refund_due_after_withdrawal(withdrawn_at: datetime, book: RuleBook) -> RefundDue:
    """When a withdrawn bidder's bond must be back (5 days from the written withdrawal, 条例35; tracked)."""
    rule = book.rule(WITHDRAWAL_REFUND_RULE)
    return RefundDue(
        rule=rule.key,
        citation=rule.citation,
        due_day=last_day(withdrawn_at, rule, calendar=book.calendar),
        overdue_at=period_end(withdrawn_at, rule, calendar=book.calendar),
    )


def refund_overdue(due: RefundDue, *, refunded_at: datetime | None, now: datetime) -> bool:
    """A refund is overdue when it was not made before `due.overdue_at` (late refunds stay recorded as late)."""
    if refunded_at is not None:
        return refunded_at >= due.overdue_at
    return now >= due.overdue_at
