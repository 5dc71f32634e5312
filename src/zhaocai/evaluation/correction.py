"""Arithmetic-error correction (算术错误修正, 评标规定19). Pure.

1. Words over figures (大写金额与小写金额不一致的，以大写金额为准): the total in words, parsed by
   `zhaocai.core.money.parse_amount_in_words`, wins over the total in figures.
2. Unit price over line total (单价金额与总价金额不一致的，以单价金额为准，但单价金额小数点有明显错误的除外): a
   bill line whose total is not quantity × unit price is recomputed from the unit price — unless the unit price
   is the line's total / quantity with the decimal point moved (×10ⁿ or ÷10ⁿ, n = 1..4), in which case the unit
   price is the error and the total stands. The bill's corrected totals then make the price.

The corrected price binds the bidder only once it confirms it through a clarification (评标规定19).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from zhaocai.core.money import parse_amount_in_words

CITATION = "评标规定19"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BillLine:
    item: str
    quantity: Decimal
    unit_price: Decimal
    total: Decimal


@dataclass(frozen=True)
class Correction:
    original: Decimal
    corrected: Decimal
    reasons: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.original != self.corrected


def _misplaced_point(line: BillLine) -> bool:
    if line.quantity == 0:
        return False
    implied = (line.total / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    for n in range(1, 5):
        factor = Decimal(10) ** n
        for candidate in (line.unit_price * factor, line.unit_price / factor):
            if candidate.quantize(CENT, rounding=ROUND_HALF_UP) == implied and implied != line.unit_price:
                return True
    return False


def correct(price_in_figures: Decimal, price_in_words: str | None, bill: Sequence[BillLine] = ()) -> Correction:
    with localcontext() as context:
        context.prec = 80  # quantity × unit price of any accepted input stays exact
        return _correct(price_in_figures, price_in_words, bill)


def _correct(price_in_figures: Decimal, price_in_words: str | None, bill: Sequence[BillLine]) -> Correction:
    reasons: list[str] = []
    price = price_in_figures
    if price_in_words:
        in_words = parse_amount_in_words(price_in_words, field="price_in_words")
        if in_words != price_in_figures:
            reasons.append(
                f"the price in words {price_in_words} ({in_words}) prevails over the figures {price_in_figures}"
            )
            price = in_words
    if bill:
        total = Decimal(0)
        bill_changed = False
        for line in bill:
            computed = (line.quantity * line.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
            if computed == line.total:
                total += line.total
            elif _misplaced_point(line):
                reasons.append(
                    f"{line.item}: the unit price {line.unit_price} has an obvious decimal-point error; "
                    f"the line total {line.total} stands"
                )
                total += line.total
            else:
                reasons.append(
                    f"{line.item}: unit price {line.unit_price} × {line.quantity} = {computed} prevails "
                    f"over the line total {line.total}"
                )
                total += computed
                bill_changed = True
        if bill_changed and total != price:
            reasons.append(f"the corrected bill totals {total}")
            price = total
    return Correction(price_in_figures, price, tuple(reasons))
