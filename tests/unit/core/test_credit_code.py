"""统一社会信用代码 (GB 32100-2015) validation, check characters and construction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaocai.core.codes.credit_code import (
    ALPHABET,
    REGISTRATION_AUTHORITIES,
    is_valid_credit_code,
    make_credit_code,
    organization_check_digit,
    validate_credit_code,
)
from zhaocai.core.errors import ValidationFailed

# Published codes of real organisations, each checked against both check digits by hand before use.
PUBLISHED = {
    "91350100M000100Y43": ("350100", "福州市"),
    "914403001922038216": ("440300", "深圳市"),
    "91440300708461136T": ("440300", "深圳市"),
    "91330100716105852F": ("330100", "杭州市"),
}


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_published_codes_are_valid_and_parsed(code: str) -> None:
    parsed = validate_credit_code(code)
    assert str(parsed) == code
    assert (parsed.authority, parsed.authority_name) == ("9", "工商")
    assert (parsed.org_type, parsed.org_type_name) == ("1", "企业")
    assert (parsed.region_code, parsed.region_name) == PUBLISHED[code]
    assert parsed.organization_code == code[8:17]
    assert parsed.check_character == code[17]
    assert is_valid_credit_code(code)


def test_spaces_and_lower_case_are_tolerated() -> None:
    assert validate_credit_code("  91350100m000100y43 ").code == "91350100M000100Y43"


def test_central_registration_authority_region() -> None:
    code = make_credit_code("11100000" + "00001234" + organization_check_digit("00001234"))
    parsed = validate_credit_code(code)
    assert (parsed.region_code, parsed.region_name, parsed.org_type_name) == ("100000", "中央", "机关")


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("91350100M000100Y4", "must be 18 characters, got 17"),
        ("91350100M000100Y433", "must be 18 characters, got 19"),
        ("", "must be 18 characters, got 0"),
        ("91350100M0001O0Y43", "character 'O' is not allowed at position 14"),
        ("9135010IM000100Y43", "character 'I' is not allowed at position 8"),
        ("91350100M000100Y4S", "character 'S' is not allowed at position 18"),
        ("91350100M000100Y4-", "character '-' is not allowed at position 18"),
        ("B1350100M000100Y43", "position 1: 'B' is not an assigned registration-authority code"),
        ("94350100M000100Y43", "position 2: organisation type '4' is not assigned under registration authority 9"),
        ("Y2350100M000100Y43", "allowed: 1"),
        ("913501A0M000100Y43", "positions 3-8 must be a 6-digit GB/T 2260 region code"),
        ("91000000M000100Y43", "positions 3-8: 000000 does not start with a GB/T 2260 province code"),
        ("91350100M000100Y53", "position 17 (组织机构代码 check digit): expected 4, got 5"),
        ("91350100M000100Y44", "position 18 (check character): expected 3, got 4"),
    ],
)
def test_each_rule_is_named(code: str, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_credit_code(code)
    assert says in refused.value.message
    assert refused.value.field == "credit_code"
    assert refused.value.citation and refused.value.citation.startswith(("GB 32100-2015", "GB 11714"))
    assert not is_valid_credit_code(code)


def test_non_text_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="must be text"):
        validate_credit_code(913501001234)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("M000100Y", "4"),
        ("19220382", "1"),
        ("70846113", "6"),
        ("00000001", "9"),  # 1x2 = 2; 11 - 2 = 9
        ("00009000", "X"),  # 9x5 = 45 = 4x11 + 1; 11 - 1 = 10 -> X
        ("00000000", "0"),  # 11 - 0 = 11 -> 0
    ],
)
def test_organization_check_digit(body: str, digit: str) -> None:
    assert organization_check_digit(body) == digit


def test_organization_body_must_be_eight_characters() -> None:
    with pytest.raises(ValidationFailed, match="8 characters"):
        organization_check_digit("1234567")


def test_make_refuses_what_validation_refuses() -> None:
    with pytest.raises(ValidationFailed, match="must be 17 characters"):
        make_credit_code("91350100M000100Y43")
    with pytest.raises(ValidationFailed, match="position 17"):
        make_credit_code("91350100M000100Y5")
    assert make_credit_code("91350100M000100Y4") == "91350100M000100Y43"


_pairs = st.sampled_from([(a, t) for a, (_, types) in REGISTRATION_AUTHORITIES.items() for t in types])
_regions = st.sampled_from(["100000", "110000", "110105", "350100", "440300", "429004", "371200", "659012"])
_bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    authority, org_type = draw(_pairs)
    body = draw(_bodies)
    return make_credit_code(authority + org_type + draw(_regions) + body + organization_check_digit(body))


@given(valid_codes())
def test_made_codes_validate_and_round_trip(code: str) -> None:
    parsed = validate_credit_code(code)
    assert parsed.code == code
    assert make_credit_code(code[:17]) == code


@given(valid_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_detected(code: str, position: int, replacement: str) -> None:
    if code[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_credit_code(changed)


@given(valid_codes(), st.integers(min_value=0, max_value=15))
def test_swapping_neighbours_in_positions_1_to_17_is_detected(code: str, position: int) -> None:
    # Weights w and 3w differ (mod 31), so a swap of two different characters changes the weighted sum.
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not is_valid_credit_code(swapped)
