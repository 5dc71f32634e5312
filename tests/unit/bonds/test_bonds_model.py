"""Pure bond rules: reference codes (MOD 97-10 check digits catch every mistyped or swapped digit), finding them in a
remark or a virtual sub-account, coverage of the bond, e-guarantee checks, and the refund job's steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaocai.bonds.model import (
    Coverage,
    GuaranteeDraft,
    RefundClock,
    RefundState,
    arrived_late,
    code_of_virtual_account,
    codes_in_remark,
    coverage_of,
    is_reference_code,
    next_refund_check,
    normalise_account_number,
    reference_code,
    refund_steps,
    validate_guarantee,
)
from zhaocai.core.errors import ValidationFailed

digits10 = st.text(alphabet="0123456789", min_size=10, max_size=10)


@given(digits10, st.integers(0, 11), st.integers(1, 9))
def test_a_mistyped_digit_never_passes_the_check(random, position, delta):
    code = reference_code(random)
    assert is_reference_code(code[2:])
    body = list(code[2:])
    body[position] = str((int(body[position]) + delta) % 10)
    assert not is_reference_code("".join(body))


@given(digits10, st.integers(0, 10))
def test_two_swapped_digits_never_pass_the_check(random, position):
    digits = list(reference_code(random)[2:])
    if digits[position] == digits[position + 1]:
        return
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    assert not is_reference_code("".join(digits))


def test_codes_are_found_however_the_payer_wrote_them():
    code = reference_code("1234567890")
    assert codes_in_remark(f"投标保证金{code}") == {code}
    assert codes_in_remark(f"保证金 zc {code[2:6]}-{code[6:10]} {code[10:]}，谢谢") == {code}
    full_width = code.translate(str.maketrans("ZC0123456789", "ＺＣ０１２３４５６７８９"))
    assert codes_in_remark(full_width) == {code}
    assert codes_in_remark(code + "1") == set()  # one digit too many: not this code
    assert codes_in_remark(code[:-1] + str((int(code[-1]) + 1) % 10)) == set()
    assert code_of_virtual_account("3100 0001 " + code[2:]) == code
    assert code_of_virtual_account(code[2:]) is None  # a bare code is not a sub-account
    assert code_of_virtual_account(None) is None


def test_account_numbers_compare_without_spaces_and_widths():
    assert normalise_account_number("6222 0200-0000 1111") == "6222020000001111"
    assert normalise_account_number("６２２２０２０００００") == "62220200000"
    with pytest.raises(ValidationFailed):
        normalise_account_number("12")


@pytest.mark.parametrize(
    ("accepted", "guarantee", "expected"),
    [
        ([], None, (Coverage.UNPAID, "0.00", "200.00", "0.00")),
        (["150.00"], None, (Coverage.PARTIAL, "150.00", "50.00", "0.00")),
        (["150.00", "50.00"], None, (Coverage.COVERED, "200.00", "0.00", "0.00")),
        (["250.00"], None, (Coverage.COVERED, "250.00", "0.00", "50.00")),
        ([], "200.00", (Coverage.COVERED, "0.00", "0.00", "0.00")),
        ([], "199.99", (Coverage.UNPAID, "0.00", "200.00", "0.00")),
    ],
)
def test_coverage(accepted, guarantee, expected):
    figures = coverage_of(Decimal("200.00"), [Decimal(a) for a in accepted], Decimal(guarantee) if guarantee else None)
    assert (figures.coverage, str(figures.received), str(figures.shortfall), str(figures.excess)) == expected


def test_lateness_by_instant_or_by_day():
    deadline = datetime(2026, 3, 23, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    assert not arrived_late(date(2026, 3, 23), deadline - timedelta(seconds=1), deadline)
    assert arrived_late(date(2026, 3, 23), deadline, deadline)
    assert not arrived_late(date(2026, 3, 23), None, deadline)  # the deadline's own day, time unknown: in time
    assert arrived_late(date(2026, 3, 24), None, deadline)


GUARANTEE = GuaranteeDraft(
    issuer=" 中国银行 ",
    number="ＢＧ-1",
    amount=Decimal("200.00"),
    beneficiary="某市第一中学",
    valid_from=date(2026, 3, 1),
    valid_until=date(2026, 6, 30),
    verification_code="ABCD",
)


def test_a_guarantee_is_cleaned_and_checked():
    deadline = datetime(2026, 3, 23, 1, 0, tzinfo=UTC)
    checked = validate_guarantee(
        GUARANTEE,
        required=Decimal("200.00"),
        tenderer_name="某市第一中学",
        deadline=deadline,
        cover_until=date(2026, 6, 21),
    )
    assert (checked.issuer, checked.number) == ("中国银行", "BG-1")
    with pytest.raises(ValidationFailed) as short:
        validate_guarantee(
            GUARANTEE,
            required=Decimal("200.00"),
            tenderer_name="某市第一中学",
            deadline=deadline,
            cover_until=date(2026, 7, 1),
        )
    assert (short.value.field, short.value.citation) == ("valid_until", "条例26")


def _refund(**changes):
    values = {
        "state": RefundState.DUE,
        "due_day": date(2026, 3, 9),
        "overdue_at": datetime(2026, 3, 9, 16, 0, tzinfo=UTC),  # 03-10 00:00 Shanghai
        "reminded": False,
        "overdue_flagged": False,
        "reported": False,
        "bid_deadline": datetime(2026, 3, 23, 1, 0, tzinfo=UTC),
    }
    return RefundClock(**(values | changes))


def test_refund_steps_and_when_to_look_again():
    reminder = datetime(2026, 3, 8, 16, 0, tzinfo=UTC)  # 03-09 00:00 Shanghai
    assert refund_steps(_refund(), reminder - timedelta(seconds=1)) == []
    assert next_refund_check(_refund(), reminder - timedelta(seconds=1)) == reminder
    assert refund_steps(_refund(), reminder) == ["remind"]
    assert next_refund_check(_refund(reminded=True), reminder) == _refund().overdue_at
    overdue = _refund().overdue_at
    assert refund_steps(_refund(reminded=True), overdue) == ["flag_overdue"]
    flagged = _refund(state=RefundState.OVERDUE, reminded=True, overdue_flagged=True)
    assert next_refund_check(flagged, overdue) == flagged.bid_deadline
    assert refund_steps(flagged, flagged.bid_deadline - timedelta(microseconds=1)) == []
    assert refund_steps(flagged, flagged.bid_deadline) == ["report"]
    assert next_refund_check(_refund(state=RefundState.OVERDUE, overdue_flagged=True, reported=True), overdue) is None
    # Everything at once when the job first runs after the deadline.
    assert refund_steps(_refund(), flagged.bid_deadline) == ["remind", "flag_overdue", "report"]
    assert next_refund_check(_refund(state=RefundState.REFUNDED), reminder) is None
