"""GB/T 2260 administrative division codes (行政区划代码): six digits PPCCXX.

PP is the province, CC the prefecture within it (00 = the province itself), XX the county within the prefecture
(00 = the prefecture itself). Names come from the bundled table `gbt2260.csv` (county level and above, in force at
the end of 2022 plus the 2023 changes, and every code abolished since 2015-01 kept as a former code: a credit code
or project code keeps the region code it was issued with). SOURCE.txt says where it comes from and what is missing.
"""

from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from zhaocai.core.errors import ValidationFailed

CITATION = "GB/T 2260"


class RegionLevel(StrEnum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


@dataclass(frozen=True)
class _Entry:
    name: str
    last_listed: str | None


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: RegionLevel
    province_code: str
    province_name: str
    prefecture_code: str | None
    # None for counties directly under a province-level unit (e.g. 429004 仙桃市) or a municipality (110105).
    prefecture_name: str | None
    # None while the code is in force; otherwise the last bundled revision (YYYY-MM) that listed it.
    last_listed: str | None

    @property
    def current(self) -> bool:
        return self.last_listed is None

    def __str__(self) -> str:
        return self.code


_loading = threading.Lock()


@cache
def _load() -> dict[str, _Entry]:
    text = resources.files(__package__).joinpath("gbt2260.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: _Entry(row["name"], row["last_listed"] or None) for row in rows}


def _table() -> dict[str, _Entry]:
    # One thread parses the table; the others wait for it instead of each parsing it (a burst of first requests).
    with _loading:
        return _load()


def preload() -> None:
    """Parse the table now (a server does so at start, rather than in the first requests that validate a code)."""
    _table()


def region_name(code: str) -> str | None:
    """The name of a listed code (in force or former), else None."""
    entry = _table().get(code)
    return entry.name if entry else None


def province_exists(code: str) -> bool:
    """True when the first two digits of a six-digit code name a province-level unit."""
    return len(code) == 6 and code.isascii() and code.isdigit() and f"{code[:2]}0000" in _table()


def region_level(code: str) -> RegionLevel:
    """The level a well-formed code stands for, read from its shape alone."""
    if code[2:] == "0000":
        return RegionLevel.PROVINCE
    if code[4:] == "00":
        return RegionLevel.PREFECTURE
    return RegionLevel.COUNTY


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="region_code", citation=CITATION)


def validate_region_code(code: str, *, allow_former: bool = True) -> Region:
    """Check a GB/T 2260 code and return what it names.

    Refuses a code that is not six digits, whose province does not exist, or that is not listed in the bundled
    table. With allow_former=False a code abolished since 2015 is refused too.
    """
    if not isinstance(code, str) or len(code) != 6 or not (code.isascii() and code.isdigit()):
        raise _refuse(f"行政区划代码 must be 6 digits, got {code!r}")
    table = _table()
    province_code = f"{code[:2]}0000"
    province = table.get(province_code)
    if province is None:
        raise _refuse(f"行政区划代码 {code}: no province-level unit has code {province_code}")
    if code[2:4] == "00" and code[4:] != "00":
        raise _refuse(f"行政区划代码 {code}: a county code cannot have prefecture digits 00")
    entry = table.get(code)
    if entry is None:
        raise _refuse(
            f"行政区划代码 {code} is not a listed division of {province.name} "
            "(the bundled table covers codes in force in 2023 and those abolished since 2015)"
        )
    if entry.last_listed and not allow_former:
        raise _refuse(f"行政区划代码 {code} ({entry.name}) is no longer in force (last listed {entry.last_listed})")
    level = region_level(code)
    prefecture_code = None if level is RegionLevel.PROVINCE else f"{code[:4]}00"
    prefecture = table.get(prefecture_code) if level is RegionLevel.COUNTY and prefecture_code else None
    return Region(
        code=code,
        name=entry.name,
        level=level,
        province_code=province_code,
        province_name=province.name,
        prefecture_code=prefecture_code,
        prefecture_name=prefecture.name if prefecture else (entry.name if level is RegionLevel.PREFECTURE else None),
        last_listed=entry.last_listed,
    )
