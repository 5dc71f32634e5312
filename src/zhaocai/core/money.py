"""Money: amounts in yuan as Decimal with exactly two places (分). Floats are never accepted.

`amount_in_words` writes 人民币大写 as 中国人民银行《支付结算办法》附件一 (正确填写票据和结算凭证的基本规定) requires:
  - 整 after 元 when there is no 角 or 分; nothing after 角 (the rule allows leaving it out) or after 分;
  - zeros between digits are written once as 零 (6007.14 -> 陆仟零柒元壹角肆分);
  - 零 after 元 when 角 is 0 and 分 is not (325.04 -> 叁佰贰拾伍元零肆分);
  - where the rule allows either, no 零 is written for a zero 万 or 元 digit followed by a non-zero 千 or 角 digit
    (107000.53 -> 壹拾万柒仟元伍角叁分; 1680.32 -> 壹仟陆佰捌拾元叁角贰分);
  - a leading ten is written 壹拾 (10 -> 壹拾元整), as banks do, so nothing can be written in front of it.
`parse_amount_in_words` reads those words back, and also the other forms the rule allows (extra 零, 正 for 整,
圆 for 元, a bare leading 拾, a 人民币 prefix), e.g. to compare a bid's price in words with its figures.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from zhaocai.core.errors import ValidationFailed

CENT = Decimal("0.01")
# 人民币大写 has no unit above 万亿 in financial use.
WORDS_LIMIT = Decimal(10) ** 16

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_CITATION_WORDS = "中国人民银行《支付结算办法》附件一 正确填写票据和结算凭证的基本规定"


def _to_decimal(value: object, field: str) -> Decimal:
    if isinstance(value, bool | float):
        raise ValidationFailed(
            f"{field}: give amounts as text, int or Decimal, never {type(value).__name__}", field=field
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationFailed(f"{field}: {value} is not an amount", field=field)
        return value
    if isinstance(value, str):
        text = value.strip().removeprefix("¥").removeprefix("￥").strip()
        if not _NUMBER_TEXT.fullmatch(text):
            raise ValidationFailed(f"{field}: {value!r} is not an amount in yuan (e.g. 1234.50)", field=field)
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid numbers
            raise ValidationFailed(f"{field}: {value!r} is not an amount", field=field) from exc
    raise ValidationFailed(f"{field}: {type(value).__name__} is not an amount", field=field)


def parse_yuan(
    value: str | int | Decimal,
    *,
    field: str = "amount",
    allow_negative: bool = False,
    maximum: Decimal | None = None,
) -> Decimal:
    """An amount in yuan with exactly two places. Refuses floats, NaN and infinities, more than two decimal places
    (a third place is never rounded away silently), negatives unless allowed, and amounts above `maximum`.
    Text may carry a leading ¥ and thousands separators ("¥1,234.50")."""
    amount = _to_decimal(value, field)
    try:
        exact = amount.quantize(CENT)
    except InvalidOperation as exc:
        raise ValidationFailed(f"{field}: {value} has too many digits to be an amount", field=field) from exc
    if exact != amount:
        raise ValidationFailed(
            f"{field}: {value} has more than two decimal places (分 is the smallest unit)", field=field
        )
    if exact < 0 and not allow_negative:
        raise ValidationFailed(f"{field}: {value} must not be negative", field=field)
    if maximum is not None and exact > maximum:
        raise ValidationFailed(f"{field}: {value} exceeds the maximum of {format_yuan(maximum)}", field=field)
    return exact + 0  # normalises -0.00 to 0.00


def round_yuan(amount: Decimal) -> Decimal:
    """Round a computed amount (a bond as a percentage of a price, a sum of unit prices) to 分, half up."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise TypeError(f"round_yuan needs a finite Decimal, got {amount!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP) + 0


def format_yuan(amount: Decimal | int | str) -> str:
    """¥1,234,567.89 (negative amounts: -¥12.00)."""
    exact = parse_yuan(amount, allow_negative=True)
    sign = "-" if exact < 0 else ""
    return f"{sign}¥{abs(exact):,.2f}"


def _group_words(number: int) -> str:
    """Words for 1..9999 with 拾佰仟, one 零 for each run of inner zeros."""
    digits = f"{number:04d}".lstrip("0")
    words: list[str] = []
    pending_zero = False
    for index, char in enumerate(digits):
        unit = _SMALL_UNITS[len(digits) - 1 - index]
        if char == "0":
            pending_zero = True
            continue
        if pending_zero:
            words.append("零")
            pending_zero = False
        words.append(_DIGITS[int(char)] + unit)
    return "".join(words)


def _integer_words(number: int) -> str:
    """Words for 1 <= number < 10^16: 亿 and 万 sections, with 零 where a section starts with zeros."""
    for scale, unit in ((10**8, "亿"), (10**4, "万")):
        if number >= scale:
            high, rest = divmod(number, scale)
            words = _integer_words(high) + unit
            if rest:
                words += ("零" if rest < scale // 10 else "") + _integer_words(rest)
            return words
    return _group_words(number)


def amount_in_words(amount: Decimal | int | str) -> str:
    """人民币大写 for 0 <= amount < 10^16 yuan, e.g. 1001.01 -> 壹仟零壹元零壹分."""
    exact = parse_yuan(amount)
    if exact >= WORDS_LIMIT:
        raise ValidationFailed(
            f"amount: {exact} is too large for 人民币大写 (limit 10^16 yuan)", field="amount", citation=_CITATION_WORDS
        )
    cents = int(exact * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if not jiao and not fen:
        return (_integer_words(yuan) if yuan else "零") + "元整"
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


def _refuse_words(text: str, field: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"{field}: {text!r} is not an amount in words ({why})", field=field, citation=_CITATION_WORDS
    )


def _parse_group(text: str, source: str, field: str) -> int:
    """A 拾佰仟 group (0..9999). Each digit takes the next lower unit; a skipped unit needs a 零 in its place."""
    total = 0
    last_unit = 10_000
    digit: int | None = None
    zero_since_unit = False

    def take(unit: int) -> None:
        nonlocal total, last_unit, digit, zero_since_unit
        if last_unit != 10_000 and unit != last_unit // 10 and not zero_since_unit:
            raise _refuse_words(source, field, "a skipped unit needs 零")
        total += (digit or 0) * unit
        last_unit, digit, zero_since_unit = unit, None, False

    for char in text:
        if char == "零":
            if digit is not None:
                raise _refuse_words(source, field, "零 after a digit without a unit")
            zero_since_unit = True
        elif char in _DIGITS:
            if digit is not None:
                raise _refuse_words(source, field, "two digits without a unit between them")
            digit = _DIGITS.index(char)
        elif char in _SMALL_UNITS[1:]:
            unit = 10 ** _SMALL_UNITS.index(char)
            if unit >= last_unit:
                raise _refuse_words(source, field, "units out of order")
            if digit is None:
                if char != "拾" or last_unit != 10_000:
                    raise _refuse_words(source, field, f"{char} without a digit")
                digit = 1  # a bare leading 拾 means 壹拾
            take(unit)
        else:
            raise _refuse_words(source, field, f"unexpected {char!r}")
    if digit is not None:
        take(1)
    return total


def _parse_integer(text: str, source: str, field: str) -> int:
    for scale, unit in ((10**8, "亿"), (10**4, "万")):
        if unit in text:
            high, _, rest = text.partition(unit)
            if not high.strip("零"):
                raise _refuse_words(source, field, f"{unit} without a number before it")
            high_value = _parse_integer(high, source, field)
            rest_value = _parse_integer(rest, source, field)
            if rest_value >= scale:
                raise _refuse_words(source, field, f"misplaced {unit}")
            if 0 < rest_value < scale // 10 and not rest.startswith("零"):
                raise _refuse_words(source, field, f"zeros after {unit} need 零")
            return high_value * scale + rest_value
    return _parse_group(text, source, field)


def parse_amount_in_words(text: str, *, field: str = "amount_in_words") -> Decimal:
    """Read 人民币大写 back into an amount (the inverse of amount_in_words, tolerant of the allowed variants)."""
    source = text
    body = text.strip().removeprefix("人民币").strip().replace("圆", "元")
    if body.endswith(("整", "正")):
        body = body[:-1]
        if body.endswith("分"):
            raise _refuse_words(source, field, "整 after 分")
    if "元" in body:
        integer_text, _, fraction_text = body.rpartition("元")
        if not integer_text:
            raise _refuse_words(source, field, "no number before 元")
        yuan = _parse_integer(integer_text, source, field)
    elif body:
        fraction_text, yuan = body, 0
    else:
        raise _refuse_words(source, field, "empty")
    match = re.fullmatch(r"零?(?:([壹贰叁肆伍陆柒捌玖])角)?零?(?:([壹贰叁肆伍陆柒捌玖])分)?", fraction_text)
    if match is None or fraction_text.endswith("零") or ("元" not in body and not fraction_text):
        raise _refuse_words(source, field, "bad 角/分 part")
    jiao = _DIGITS.index(match[1]) if match[1] else 0
    fen = _DIGITS.index(match[2]) if match[2] else 0
    return Decimal(yuan * 100 + jiao * 10 + fen).scaleb(-2)
