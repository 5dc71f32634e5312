"""Checks of counts, amounts and ratios against the rules table (≥3 bidders, bond ≤2%, experts ≥2/3, …).

Comparisons are exact: ratios are Fractions ("2/3" is two thirds, not 0.6667) and amounts are ints or Decimals
(floats are refused). Each check raises ValidationFailed naming the field, quoting the rule and its citation.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import CENT, format_yuan
from zhaocai.rules.rule import Rule, Unit

Number = int | Decimal
THRESHOLD_UNITS = (Unit.COUNT, Unit.YUAN)


def reaches(value: Number, rule: Rule) -> bool:
    """Whether `value` is at or above the threshold (a works contract of ¥4,000,000 or more must be tendered)."""
    rule.require_unit(*THRESHOLD_UNITS)
    return _exact(value) >= rule.value


def check_at_least(value: Number, rule: Rule, *, field: str) -> None:
    """Refuse `value` below the rule (at least 3 bidders to open, 条例44)."""
    if not reaches(value, rule):
        raise _refusal(rule, field, f"got {_show(value, rule)}", got=value)


def check_at_most(value: Number, rule: Rule, *, field: str) -> None:
    """Refuse `value` above the rule (at most 3 candidates, 条例53; a works bid bond of at most ¥800,000)."""
    rule.require_unit(*THRESHOLD_UNITS)
    if _exact(value) > rule.value:
        raise _refusal(rule, field, f"got {_show(value, rule)}", got=value)


def check_odd(count: int, rule: Rule, *, field: str) -> None:
    """Refuse an even `count` when the flag rule requires an odd one (a committee of 5 or more, odd, 法37)."""
    rule.require_unit(Unit.FLAG)
    if rule.value == 1 and count % 2 == 0:
        raise _refusal(rule, field, f"got {count}", got=count)


def ratio_limit(base: Number, rule: Rule) -> Fraction:
    """`base` times the rule's ratio, exactly."""
    rule.require_unit(Unit.RATIO)
    return _exact(base) * rule.value


def check_max_ratio(amount: Number, base: Number, rule: Rule, *, field: str) -> None:
    """Refuse `amount` above the ratio of `base` (bid bond at most 2% of the estimated price, 条例26)."""
    limit = ratio_limit(base, rule)
    if _exact(amount) > limit:
        shown = _amount(limit, ROUND_FLOOR) if isinstance(amount, Decimal) else str(math.floor(limit))
        raise _refusal(rule, field, f"at most {shown} of {_plain(base)}, got {_plain(amount)}", got=amount)


def meets_ratio(part: Number, whole: Number, rule: Rule) -> bool:
    """Whether `part` is at least the ratio of `whole` (budget funds at least 10% of the investment, 16号令2)."""
    return _exact(part) >= ratio_limit(whole, rule)


def check_min_ratio(part: Number, whole: Number, rule: Rule, *, field: str) -> None:
    """Refuse `part` below the ratio of `whole` (experts at least 2/3 of the committee, 法37)."""
    if not meets_ratio(part, whole, rule):
        limit = ratio_limit(whole, rule)
        shown = _amount(limit, ROUND_CEILING) if isinstance(part, Decimal) else str(math.ceil(limit))
        raise _refusal(rule, field, f"at least {shown} of {_plain(whole)}, got {_plain(part)}", got=part)


def exceeds_ratio(part: Number, whole: Number, rule: Rule) -> bool:
    """Whether `part` is more than the ratio of `whole` (more than 1/3 of the members ask for time → extend, 条例48)."""
    return _exact(part) > ratio_limit(whole, rule)


def _exact(value: Number) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"rules compare ints and Decimals exactly, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise TypeError(f"{value} is not a number")
    return Fraction(value)


def _amount(value: Fraction, rounding: str) -> str:
    exact = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=rounding)
    return format_yuan(exact)


def _plain(value: Number) -> str:
    """Decimals are money (¥1,234.50); ints are counts."""
    if not isinstance(value, Decimal):
        return str(value)
    return format_yuan(value) if value == value.quantize(CENT) else f"¥{value:,}"


def _show(value: Number, rule: Rule) -> str:
    return _plain(Decimal(value)) if rule.unit is Unit.YUAN else str(value)


def _refusal(rule: Rule, field: str, comparison: str, *, got: Number) -> ValidationFailed:
    return ValidationFailed(
        f"{rule.statement} ({rule.citation}): {comparison}",
        field=field,
        citation=rule.citation,
        detail={"rule": rule.key, "limit": rule.display_value, "got": str(got)},
    )
