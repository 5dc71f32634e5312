"""投资项目代码 (fixed-asset investment project code), GB/T 40058-2021; 发改投资〔2020〕1439号.

24 characters, five segments joined by "-":  TTTT-RRRRRR-MM-TT-NNNNNC
  TTTT    time code. Codes in circulation carry either the issuing year (e.g. 2020-330327-48-01-167360) or
          year and month as YYMM (e.g. 2411-130202-89-01-637015, November 2024). The two readings never collide:
          a year is 2014 or later, a YYMM has a month 01-12 and a year 2020 or later.
  RRRRRR  GB/T 2260 region code
  MM      central supervising-department code (中央业务指导部门代码), 2 digits
  TT      project-type code (项目类型代码), 2 digits
  NNNNNC  5-digit random code and 1 check character

The check character's algorithm (GB/T 40058-2021 §4.7) was not available to us, so it is NOT verified: a typo in
the last segment passes. Do not substitute a guessed algorithm; add it here once the standard's text is at hand.
The department and type code tables are not bundled either; both are checked only as two digits.

Tender-project and lot numbers are derived from a project code by configurable patterns (the "+3-digit sequence"
hierarchy seen in exchange data; the exact form is platform configuration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zhaocai.core.codes.regions import Region, validate_region_code
from zhaocai.core.errors import ValidationFailed

CITATION = "GB/T 40058-2021 全国固定资产投资项目代码编码规范"
FIELD = "project_code"

_EARLIEST_YEAR = 2014
_EARLIEST_YYMM_YEAR = 2020
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-"})
_FORM = re.compile(r"(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{5})([0-9A-Z])")


@dataclass(frozen=True)
class ProjectCode:
    code: str
    time_code: str
    issued_year: int
    issued_month: int | None  # None for codes whose time segment is a bare year
    region: Region
    department_code: str
    type_code: str
    random_code: str
    check_character: str  # not verified; see the module docstring

    @property
    def region_code(self) -> str:
        return self.region.code

    def __str__(self) -> str:
        return self.code


def _refuse(message: str, citation: str = CITATION) -> ValidationFailed:
    return ValidationFailed(message, field=FIELD, citation=citation)


def _read_time(time_code: str, today: date | None) -> tuple[int, int | None]:
    value = int(time_code)
    year, month = 2000 + value // 100, value % 100
    issued: tuple[int, int | None]
    if year >= _EARLIEST_YYMM_YEAR and 1 <= month <= 12:
        issued = (year, month)
    elif _EARLIEST_YEAR <= value <= 2099:
        issued = (value, None)
    else:
        raise _refuse(
            f"time segment {time_code} is neither a year from {_EARLIEST_YEAR} nor a YYMM from "
            f"{_EARLIEST_YYMM_YEAR} with month 01-12"
        )
    if today is not None and (issued[0], issued[1] or 1) > (today.year, today.month):
        raise _refuse(f"time segment {time_code} lies after today ({today.isoformat()})")
    return issued


def validate_project_code(code: str, *, today: date | None = None, allow_former_region: bool = True) -> ProjectCode:
    """Parse and check a project code; refuse naming the rule. Without `today` the time is not checked against it."""
    if not isinstance(code, str):
        raise _refuse(f"投资项目代码 must be text, got {type(code).__name__}")
    code = code.strip().upper().translate(_DASHES)
    if len(code) != 24:
        raise _refuse(f"投资项目代码 must be 24 characters (e.g. 2411-130202-89-01-637015), got {len(code)}")
    match = _FORM.fullmatch(code)
    if match is None:
        raise _refuse(
            f"投资项目代码 {code!r} must read TTTT-RRRRRR-MM-TT-NNNNNC: 4, 6, 2, 2 and 5 digits and a check "
            "character, joined by '-'"
        )
    time_code, region_code, department, project_type, random_code, check = match.groups()
    issued_year, issued_month = _read_time(time_code, today)
    try:
        region = validate_region_code(region_code, allow_former=allow_former_region)
    except ValidationFailed as refusal:
        raise _refuse(f"region segment: {refusal.message}", citation=f"{CITATION} §4.3; GB/T 2260") from refusal
    return ProjectCode(
        code=code,
        time_code=time_code,
        issued_year=issued_year,
        issued_month=issued_month,
        region=region,
        department_code=department,
        type_code=project_type,
        random_code=random_code,
        check_character=check,
    )


def is_valid_project_code(code: str, *, today: date | None = None) -> bool:
    try:
        validate_project_code(code, today=today)
    except ValidationFailed:
        return False
    return True


def _derive(parent: str, parent_key: str, seq: int, pattern: str, field: str) -> str:
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 999:
        raise ValidationFailed(f"sequence number must be an integer from 1 to 999, got {seq!r}", field=field)
    if not parent:
        raise ValidationFailed(f"cannot derive a {field} from an empty {parent_key} code", field=field)
    return pattern.format(**{parent_key: parent, "seq": seq})


def derive_tender_code(project_code: str, seq: int, pattern: str = "{project}-{seq:03d}") -> str:
    """招标项目编号: the project code plus a 3-digit sequence (pattern fields: project, seq)."""
    return _derive(project_code, "project", seq, pattern, "tender_code")


def derive_lot_code(tender_code: str, seq: int, pattern: str = "{tender}-{seq:03d}") -> str:
    """标段(包)编号: the tender-project number plus a 3-digit sequence (pattern fields: tender, seq)."""
    return _derive(tender_code, "tender", seq, pattern, "lot_code")
