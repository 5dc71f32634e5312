"""Money as Decimal yuan: parsing, rounding, display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import format_yuan, parse_yuan, round_yuan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.5", "1234.50"),
        ("1234.50", "1234.50"),
        ("1.500", "1.50"),  # a third place that is zero loses nothing
        ("0", "0.00"),
        ("-0", "0.00"),
        (" 7 ", "7.00"),
        ("¥1,234,567.89", "1234567.89"),
        ("￥12.3", "12.30"),
        ("+5", "5.00"),
        (100, "100.00"),
        (Decimal("2.1"), "2.10"),
        (Decimal("1E+3"), "1000.00"),
    ],
)
def test_parse_yuan(value: object, expected: str) -> None:
    amount = parse_yuan(value)  # type: ignore[arg-type]
    assert amount == Decimal(expected) and str(amount) == expected


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (1.5, "never float"),
        (True, "never bool"),
        (Decimal("NaN"), "is not an amount"),
        (Decimal("Infinity"), "is not an amount"),
        ("NaN", "is not an amount in yuan"),
        ("1e3", "is not an amount in yuan"),
        ("1,23", "is not an amount in yuan"),
        ("12,345,67", "is not an amount in yuan"),
        ("1.", "is not an amount in yuan"),
        ("", "is not an amount in yuan"),
        ("壹佰", "is not an amount in yuan"),
        ("1.005", "more than two decimal places"),
        (Decimal("0.001"), "more than two decimal places"),
        ("-1", "must not be negative"),
        ("1" * 40, "too many digits"),
        ([1], "list is not an amount"),
    ],
)
def test_parse_yuan_refusals(value: object, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_yuan(value, field="bid_price")  # type: ignore[arg-type]
    assert says in refused.value.message
    assert refused.value.field == "bid_price"


def test_negative_and_maximum_flags() -> None:
    assert parse_yuan("-3.2", allow_negative=True) == Decimal("-3.20")
    assert parse_yuan("100", maximum=Decimal(100)) == Decimal(100)
    with pytest.raises(ValidationFailed, match=r"exceeds the maximum of ¥100\.00"):
        parse_yuan("100.01", maximum=Decimal(100))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("2.675", "2.68"),  # the float 2.675 would round down; Decimal rounds half up
        ("-0.005", "-0.01"),
        ("-0.004", "0.00"),
        ("12345.6789", "12345.68"),
    ],
)
def test_round_yuan_half_up(value: str, expected: str) -> None:
    assert str(round_yuan(Decimal(value))) == expected


def test_round_yuan_refuses_non_decimals() -> None:
    with pytest.raises(TypeError):
        round_yuan(2.675)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.89"), "¥1,234,567.89"),
        (0, "¥0.00"),
        ("999.9", "¥999.90"),
        (Decimal("-1234.5"), "-¥1,234.50"),
        (10**12, "¥1,000,000,000,000.00"),
    ],
)
def test_format_yuan(value: object, expected: str) -> None:
    assert format_yuan(value) == expected  # type: ignore[arg-type]
    assert parse_yuan(expected.replace("-¥", "-"), allow_negative=True) == parse_yuan(value, allow_negative=True)  # type: ignore[arg-type]
