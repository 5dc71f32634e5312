"""人民币大写 (amount in words) per 中国人民银行《支付结算办法》附件一, and reading it back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import amount_in_words, parse_amount_in_words

VECTORS = [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.5", "伍角"),
    ("0.55", "伍角伍分"),
    ("1", "壹元整"),
    ("1.5", "壹元伍角"),
    ("10", "壹拾元整"),
    ("10.05", "壹拾元零伍分"),
    ("15", "壹拾伍元整"),
    ("100", "壹佰元整"),
    ("101", "壹佰零壹元整"),
    ("110", "壹佰壹拾元整"),
    ("1001.01", "壹仟零壹元零壹分"),
    ("1010", "壹仟零壹拾元整"),
    # The examples in 支付结算办法 附件一:
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    # 万 and 亿 boundaries with zeros:
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("10010", "壹万零壹拾元整"),
    ("100000", "壹拾万元整"),
    ("1000000", "壹佰万元整"),
    ("10000000", "壹仟万元整"),
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("100000000", "壹亿元整"),
    ("100010000", "壹亿零壹万元整"),
    ("100100000", "壹亿零壹拾万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("1000000001", "壹拾亿零壹元整"),
    ("1000000000.1", "壹拾亿元壹角"),
    ("1000010000", "壹拾亿零壹万元整"),
    ("1000000000000", "壹万亿元整"),
    ("1000100000000", "壹万零壹亿元整"),
    ("1000000010000", "壹万亿零壹万元整"),
    ("9999999999999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize(("amount", "words"), VECTORS)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(amount) == words
    assert parse_amount_in_words(words) == Decimal(amount)


def test_words_refuse_what_cannot_be_written() -> None:
    with pytest.raises(ValidationFailed, match="too large"):
        amount_in_words(10**16)
    with pytest.raises(ValidationFailed, match="must not be negative"):
        amount_in_words("-1")
    with pytest.raises(ValidationFailed, match="never float"):
        amount_in_words(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("words", "amount"),
    [
        # Forms the rule also allows, and common spellings:
        ("人民币壹拾万零柒仟元伍角叁分", "107000.53"),
        ("壹仟陆佰捌拾元零叁角贰分", "1680.32"),
        ("拾元整", "10"),
        ("拾万元正", "100000"),
        ("壹佰圆整", "100"),
        ("伍角整", "0.5"),
        ("壹仟零零壹元整", "1001"),
        ("零元整", "0"),
    ],
)
def test_parse_variants(words: str, amount: str) -> None:
    assert parse_amount_in_words(words) == Decimal(amount)


@pytest.mark.parametrize(
    "words",
    [
        "",
        "整",
        "元整",
        "壹佰伍",  # colloquial 150 or 105: ambiguous, the rule demands 壹佰伍拾 or 壹佰零伍
        "壹仟伍拾元整",  # the skipped 佰 needs 零
        "壹万伍元整",  # the skipped 仟佰拾 need 零
        "壹壹元整",
        "壹拾拾元整",
        "壹佰仟元整",
        "佰元整",
        "壹万万元整",
        "万元整",
        "壹元伍分整",
        "壹元伍角伍",
        "壹元柒",
        "壹元零",
        "一百元整",
        "壹佰元整abc",
        "伍分伍角",
    ],
)
def test_parse_refusals(words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_amount_in_words(words, field="price_in_words")
    assert refused.value.field == "price_in_words"


_cents = st.one_of(
    st.integers(min_value=0, max_value=10**18 - 1),
    # amounts full of zeros, where 零 placement goes wrong
    st.lists(st.sampled_from([0, 0, 0, 1, 5, 9]), min_size=1, max_size=18).map(
        lambda digits: int("".join(map(str, digits)))
    ),
)


@given(_cents)
def test_words_round_trip(cents: int) -> None:
    amount = Decimal(cents).scaleb(-2)
    words = amount_in_words(amount)
    assert parse_amount_in_words(words) == amount
    assert ("零零" not in words and not words.startswith("零")) or words == "零元整"
    assert words.endswith(("整", "角", "分"))
