"""The working-day calendar: weekends, statutory holidays and make-up working days (调休), year by year.

Each year comes from the State Council's notice (国务院办公厅关于 YYYY 年部分节假日安排的通知) as a data file
data/holidays/YYYY.toml. A day is a working day when it is Monday to Friday and not inside a holiday, or when the
notice makes it a make-up working day (上班). The calendar refuses to answer for a year it has no notice for
(CalendarYearMissing) rather than guess: the notice for a year comes out only in the November before it.

All days here are Asia/Shanghai calendar days; converting instants to days is the caller's job (see periods.py).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from zhaocai.rules.errors import CalendarYearMissing, RulesDataError

PACKAGED_HOLIDAYS = "data/holidays"
ONE_DAY = timedelta(days=1)
SATURDAY = 5


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    first: date
    last: date  # inclusive
    makeup_workdays: tuple[date, ...]

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += ONE_DAY


@dataclass(frozen=True, slots=True)
class HolidayYear:
    year: int
    source: str  # the notice it was copied from
    holidays: tuple[Holiday, ...]


class WorkingDayCalendar:
    def __init__(self, years: Iterable[HolidayYear]) -> None:
        self._years: dict[int, HolidayYear] = {}
        self._rest: dict[date, str] = {}
        self._makeup: dict[date, str] = {}
        for notice in sorted(years, key=lambda notice: notice.year):
            if notice.year in self._years:
                raise RulesDataError(f"holidays {notice.year}", ["the year is loaded twice"])
            self._years[notice.year] = notice
            for holiday in notice.holidays:
                for day in holiday.days():
                    self._rest[day] = holiday.name
                for day in holiday.makeup_workdays:
                    self._makeup[day] = holiday.name
        clashes = sorted(set(self._rest) & set(self._makeup))
        if clashes:
            raise RulesDataError("holidays", [f"{day} is both a holiday and a make-up working day" for day in clashes])

    @classmethod
    def load(cls, directory: str | Path | None = None) -> WorkingDayCalendar:
        """Every YYYY.toml in `directory`, or in the packaged data/holidays when none is given."""
        folder: Traversable = (
            Path(directory) if directory is not None else resources.files("zhaocai.rules").joinpath(PACKAGED_HOLIDAYS)
        )
        files = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)
        return cls(parse_holiday_year(entry.read_text(encoding="utf-8"), entry.name) for entry in files)

    @property
    def years(self) -> list[int]:
        return sorted(self._years)

    def notice(self, year: int) -> HolidayYear:
        self._require(year)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        self._require(day.year)
        if day in self._makeup:
            return True
        return day.weekday() < SATURDAY and day not in self._rest

    def holiday_name(self, day: date) -> str | None:
        """The holiday `day` falls in ("国庆节、中秋节"), or None (also for an ordinary weekend)."""
        self._require(day.year)
        return self._rest.get(day)

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def on_or_after(self, day: date) -> date:
        """`day` if it is a working day, else the next one (民法典203: a period ending on a rest day moves on)."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself is not counted, 民法典201)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def subtract_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day before `day` (`day` itself is not counted)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        for _ in range(count):
            day -= ONE_DAY
            while not self.is_working_day(day):
                day -= ONE_DAY
        return day

    def working_days(self, first: date, last: date) -> list[date]:
        """The working days from `first` to `last`, both included."""
        days = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                days.append(day)
            day += ONE_DAY
        return days

    def _require(self, year: int) -> None:
        if year not in self._years:
            known = ", ".join(str(y) for y in self.years) or "none"
            raise CalendarYearMissing(
                f"no holiday calendar for {year} (have: {known}); working days and period ends in {year} cannot be "
                f"counted until the State Council notice for {year} is added as data/holidays/{year}.toml "
                "(docs/rules.md)",
                field="calendar",
                citation="民法典203",
                detail={"year": year, "known_years": self.years},
            )


@cache
def packaged_calendar() -> WorkingDayCalendar:
    """The calendar built from the holiday files shipped with the package (immutable, so loaded once)."""
    return WorkingDayCalendar.load()


def parse_holiday_year(text: str, source: str) -> HolidayYear:
    """One notice from its TOML text; `source` is the file name (YYYY.toml) and must match the `year` inside."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesDataError(source, [f"not valid TOML: {exc}"]) from exc
    unknown = sorted(set(data) - {"year", "source", "holiday"})
    problems: list[str] = [f"unknown top-level entry {name!r}" for name in unknown]
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise RulesDataError(source, [*problems, "year must be an integer"])
    if Path(source).stem != str(year):
        problems.append(f"the file for year {year} must be named {year}.toml")
    notice = data.get("source")
    if not isinstance(notice, str) or not notice.strip():
        problems.append("source must name the State Council notice the dates come from")
    rows = data.get("holiday")
    if not isinstance(rows, list) or not rows:
        raise RulesDataError(source, [*problems, "no [[holiday]] rows"])
    holidays = []
    for index, row in enumerate(rows, start=1):
        row_problems: list[str] = []
        holiday = _parse_holiday(row, year, row_problems)
        problems.extend(f"holiday #{index} ({row.get('name', '?')}): {problem}" for problem in row_problems)
        if holiday is not None:
            holidays.append(holiday)
    if problems:
        raise RulesDataError(source, problems)
    return HolidayYear(year=year, source=str(notice).strip(), holidays=tuple(holidays))


def _parse_holiday(row: dict[str, Any], year: int, problems: list[str]) -> Holiday | None:
    unknown = sorted(set(row) - {"name", "first", "last", "makeup_workdays"})
    problems.extend(f"unknown field {name!r}" for name in unknown)
    name, first, last, makeup = row.get("name"), row.get("first"), row.get("last"), row.get("makeup_workdays", [])
    if not isinstance(name, str) or not name.strip():
        problems.append("name is missing")
    if not (_is_day(first) and _is_day(last)):
        problems.append("first and last must be TOML dates (YYYY-MM-DD, unquoted)")
        return None
    if last < first:
        problems.append(f"last {last} is before first {first}")
    if abs(first.year - year) > 1 or abs(last.year - year) > 1:
        problems.append(f"{first}..{last} is too far from {year}")
    if not isinstance(makeup, list) or not all(_is_day(day) for day in makeup):
        problems.append("makeup_workdays must be a list of TOML dates")
        return None
    for day in makeup:
        if day.weekday() < SATURDAY:
            problems.append(f"make-up working day {day} is a weekday (a 调休 working day is a Saturday or Sunday)")
        if first <= day <= last:
            problems.append(f"make-up working day {day} lies inside the holiday")
        if abs(day.year - year) > 1:
            problems.append(f"make-up working day {day} is too far from {year}")
    if problems:
        return None
    return Holiday(name=name.strip(), first=first, last=last, makeup_workdays=tuple(sorted(makeup)))


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)
