"""Bid bonds: at most 2% of the estimate (条例26) and, for works, the cap (30号令37); cash from the basic account
(条例26); refund after a withdrawal due in 5 days (条例35, tracked)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from tendering_world import ONE_MINUTE, at, book

from zhaocai.core.errors import ValidationFailed
from zhaocai.tendering.model import (
    BondForm,
    BondPayment,
    bond_covers,
    check_bond_amount,
    check_bond_payment,
    refund_due_after_withdrawal,
    refund_overdue,
)

CASH = BondPayment(
    lot_number="2411-130202-89-01-637015-001-001",
    bidder_id="B1",
    amount=Decimal("200000.00"),
    form=BondForm.TRANSFER,
    received_at=at(2025, 3, 20, 10),
    from_basic_account=True,
    reference="BANK-REF-1",
)


def test_two_percent_of_the_estimate() -> None:
    check_bond_amount(Decimal("200000.00"), Decimal("10000000.00"), book())
    with pytest.raises(ValidationFailed) as caught:
        check_bond_amount(Decimal("200000.01"), Decimal("10000000.00"), book())
    assert (caught.value.field, caught.value.citation) == ("bond_amount", "条例26")
    assert caught.value.detail["rule"] == "bid_bond_max_ratio"


def test_the_works_cap_binds_works_tenders_only() -> None:
    estimate = Decimal("50000000.00")  # 2% would be ¥1,000,000
    check_bond_amount(Decimal("800000.00"), estimate, book())
    with pytest.raises(ValidationFailed) as caught:
        check_bond_amount(Decimal("800000.01"), estimate, book())
    assert caught.value.citation == "30号令37"
    check_bond_amount(Decimal("1000000.00"), estimate, book(works=False))


def test_cash_comes_from_the_basic_account() -> None:
    check_bond_payment(CASH, book())
    elsewhere = replace(CASH, from_basic_account=False)
    with pytest.raises(ValidationFailed) as caught:
        check_bond_payment(elsewhere, book())
    assert (caught.value.field, caught.value.citation) == ("from_basic_account", "条例26")
    check_bond_payment(replace(elsewhere, form=BondForm.GUARANTEE), book())
    check_bond_payment(replace(elsewhere, domestic_bidder=False), book())
    check_bond_payment(elsewhere, book(mandatory=False))


def test_a_payment_covers_the_bond_or_not() -> None:
    assert bond_covers(CASH, Decimal("200000.00"))
    assert not bond_covers(CASH, Decimal("200000.01"))


def test_the_refund_after_a_withdrawal_is_due_in_five_days() -> None:
    withdrawn = at(2025, 3, 4, 10)
    due = refund_due_after_withdrawal(withdrawn, book())
    # 5 days 03-05..03-09, 03-09 a Sunday -> Monday 03-10; overdue from 03-11 00:00
    assert due.due_day == date(2025, 3, 10)
    assert due.overdue_at == at(2025, 3, 11)
    assert due.citation == "条例35"
    assert not refund_overdue(due, refunded_at=None, now=at(2025, 3, 11) - ONE_MINUTE)
    assert refund_overdue(due, refunded_at=None, now=at(2025, 3, 11))
    assert not refund_overdue(due, refunded_at=at(2025, 3, 10, 23, 59), now=at(2025, 4, 1))
    assert refund_overdue(due, refunded_at=at(2025, 3, 11), now=at(2025, 4, 1))
