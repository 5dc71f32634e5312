"""投资项目代码 (GB/T 40058-2021) parsing and the tender / lot numbers derived from it."""

from __future__ import annotations

from datetime import date

import pytest

from zhaocai.core.codes.project_code import (
    derive_lot_code,
    derive_tender_code,
    is_valid_project_code,
    validate_project_code,
)
from zhaocai.core.errors import ValidationFailed

TODAY = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("code", "year", "month", "region_name", "department", "project_type"),
    [
        # Layouts as published in approval notices; the random and check digits here are illustrative.
        ("2020-330327-48-01-167360", 2020, None, "苍南县", "48", "01"),
        ("2020-451421-88-03-016343", 2020, None, "扶绥县", "88", "03"),
        ("2411-130202-89-01-637015", 2024, 11, "路南区", "89", "01"),
        ("2603-141124-89-05-346948", 2026, 3, "临县", "89", "05"),
        ("2010-350100-47-01-012345", 2020, 10, "福州市", "47", "01"),  # YYMM, not the year 2010
    ],
)
def test_published_layouts(
    code: str, year: int, month: int | None, region_name: str, department: str, project_type: str
) -> None:
    parsed = validate_project_code(code, today=TODAY)
    assert str(parsed) == code
    assert (parsed.issued_year, parsed.issued_month) == (year, month)
    assert (parsed.region.name, parsed.region_code) == (region_name, code[5:11])
    assert (parsed.department_code, parsed.type_code) == (department, project_type)
    assert parsed.random_code + parsed.check_character == code[18:]
    assert is_valid_project_code(code, today=TODAY)


def test_pasted_forms_are_normalised() -> None:
    assert validate_project_code(" 2411－130202—89-01-637015 ").code == "2411-130202-89-01-637015"


def test_former_region_codes_stay_valid_unless_refused() -> None:
    assert validate_project_code("2018-371200-47-01-012345").region.name == "莱芜市"
    with pytest.raises(ValidationFailed, match="no longer in force"):
        validate_project_code("2018-371200-47-01-012345", allow_former_region=False)


def test_without_today_the_future_is_not_checked() -> None:
    assert validate_project_code("2612-350100-47-01-012345").issued_month == 12


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("2020-350100-47-01-01234", "must be 24 characters"),
        ("2020-350100-47-01-0123456", "must be 24 characters"),
        ("2020350100-47-01-0123456", "must read TTTT-RRRRRR-MM-TT-NNNNNC"),
        ("2020-350100-4A-01-012345", "must read TTTT-RRRRRR-MM-TT-NNNNNC"),
        ("2020-350100-47-01-01234_", "must read TTTT-RRRRRR-MM-TT-NNNNNC"),
        ("2020-35010-047-01-012345", "must read TTTT-RRRRRR-MM-TT-NNNNNC"),
        ("2013-350100-47-01-012345", "time segment 2013 is neither a year from 2014"),
        ("1999-350100-47-01-012345", "time segment 1999"),
        ("2113-350100-47-01-012345", "time segment 2113"),
        ("2027-350100-47-01-012345", "time segment 2027 lies after today (2026-03-31)"),
        ("2604-350100-47-01-012345", "time segment 2604 lies after today"),
        ("2020-990100-47-01-012345", "region segment: 行政区划代码 990100: no province-level unit"),
        ("2020-350199-47-01-012345", "region segment: 行政区划代码 350199 is not a listed division"),
    ],
)
def test_refusals(code: str, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_project_code(code, today=TODAY)
    assert says in refused.value.message
    assert refused.value.field == "project_code"
    assert refused.value.citation and refused.value.citation.startswith("GB/T 40058-2021")
    assert not is_valid_project_code(code, today=TODAY)


def test_non_text_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="must be text"):
        validate_project_code(None)  # type: ignore[arg-type]


def test_tender_and_lot_codes() -> None:
    tender = derive_tender_code("2411-130202-89-01-637015", 1)
    assert tender == "2411-130202-89-01-637015-001"
    assert derive_lot_code(tender, 12) == "2411-130202-89-01-637015-001-012"
    assert derive_tender_code("A330327048", 7, pattern="{project}{seq:03d}") == "A330327048007"
    assert derive_lot_code("T1", 999, pattern="{tender}/{seq}") == "T1/999"


@pytest.mark.parametrize("seq", [0, 1000, -1, True, 1.0])
def test_sequence_bounds(seq: object) -> None:
    with pytest.raises(ValidationFailed, match="from 1 to 999") as refused:
        derive_tender_code("2411-130202-89-01-637015", seq)  # type: ignore[arg-type]
    assert refused.value.field == "tender_code"
    with pytest.raises(ValidationFailed, match="from 1 to 999"):
        derive_lot_code("T1", seq)  # type: ignore[arg-type]


def test_empty_parent_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="empty project code"):
        derive_tender_code("", 1)
