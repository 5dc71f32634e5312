"""The rules table: every time limit, threshold and count, loaded from data (DESIGN principle 1, "the law is data").

    rules = RulesTable.load()                                  # the packaged data/rules.toml
    rule = rules.get("bid_deadline_min_days", on=notice_published_on)
    tender_rules = rules.as_of(notice_published_on)            # the rows governing one tender

A change in the law is a new row with a new effective_from (and an effective_to on the old row), never new code.
The file is validated as a whole when it is loaded; a bad file refuses to load and names every problem.
"""

from __future__ import annotations

import difflib
import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from zhaocai.core.clock import SHANGHAI
from zhaocai.rules.errors import RuleNotInForce, RulesDataError, UnknownRule
from zhaocai.rules.rule import PERIOD_UNITS, WHOLE_NUMBER_UNITS, Certainty, Kind, Rule, Scope, Unit

E = TypeVar("E", Unit, Kind, Certainty, Scope)

PACKAGED_RULES = "data/rules.toml"
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_RATIO_TEXT = re.compile(r"\d+(?:\.\d+)?(?:/\d+)?")
_FIELDS = frozenset(
    {"key", "value", "unit", "kind", "citation", "effective_from", "effective_to", "certainty", "scope", "reason"}
)
_REQUIRED = _FIELDS - {"effective_to"}


def local_day(on: date) -> date:
    """The Asia/Shanghai calendar day of `on` (a date is taken as it is; a datetime must carry its timezone)."""
    if isinstance(on, datetime):
        if on.tzinfo is None:
            raise ValueError("a datetime used as a rules date needs a timezone")
        return on.astimezone(SHANGHAI).date()
    return on


class RulesTable:
    def __init__(self, rules: Iterable[Rule], *, source: str = "<rules>") -> None:
        rows = sorted(rules, key=lambda rule: (rule.key, rule.effective_from))
        _check_histories(rows, source)
        self.source = source
        self._by_key: dict[str, list[Rule]] = {}
        for rule in rows:
            self._by_key.setdefault(rule.key, []).append(rule)

    @classmethod
    def load(cls, path: str | Path | None = None) -> RulesTable:
        """The packaged table, or the TOML file at `path` (same format; see data/rules.toml)."""
        if path is None:
            text = resources.files("zhaocai.rules").joinpath(PACKAGED_RULES).read_text(encoding="utf-8")
            source = f"zhaocai.rules/{PACKAGED_RULES}"
        else:
            text = Path(path).read_text(encoding="utf-8")
            source = str(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RulesDataError(source, [f"not valid TOML: {exc}"]) from exc
        return cls(parse_rules(data, source), source=source)

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def get(self, key: str, on: date) -> Rule:
        """The row of `key` in force on `on` (an Asia/Shanghai day)."""
        day = local_day(on)
        rows = self._rows(key)
        for rule in rows:
            if rule.in_force_on(day):
                return rule
        spans = ", ".join(_span(rule) for rule in rows)
        raise RuleNotInForce(f"rule {key!r} is not in force on {day.isoformat()} (rows: {spans})")

    def history(self, key: str) -> list[Rule]:
        """Every row of `key`, oldest first."""
        return list(self._rows(key))

    def all(self, on: date | None = None) -> list[Rule]:
        """Every row (on=None), or the rows in force on one day; sorted by key, then effective_from."""
        rows = [rule for key in self.keys() for rule in self._by_key[key]]
        if on is None:
            return rows
        day = local_day(on)
        return [rule for rule in rows if rule.in_force_on(day)]

    def as_of(self, on: date) -> RulesAsOf:
        """The rules as they stood on one day: what governs a tender whose notice was published that day."""
        return RulesAsOf(self, local_day(on))

    def _rows(self, key: str) -> list[Rule]:
        try:
            return self._by_key[key]
        except KeyError:
            close = difflib.get_close_matches(key, self._by_key, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise UnknownRule(f"no rule {key!r} in {self.source}{hint}") from None


@cache
def packaged_rules() -> RulesTable:
    """The table shipped with the package (immutable, so loaded once)."""
    return RulesTable.load()


@dataclass(frozen=True)
class RulesAsOf:
    table: RulesTable
    on: date

    def get(self, key: str) -> Rule:
        return self.table.get(key, self.on)

    def __getitem__(self, key: str) -> Rule:
        return self.get(key)


def parse_rules(data: Mapping[str, Any], source: str) -> list[Rule]:
    """Rows from a parsed TOML document ([[rule]] tables); raises RulesDataError listing every bad field."""
    unknown_top = set(data) - {"rule"}
    rows = data.get("rule")
    problems: list[str] = [f"unknown top-level entry {name!r}" for name in sorted(unknown_top)]
    if not isinstance(rows, list) or not rows:
        raise RulesDataError(source, [*problems, "no [[rule]] rows"])
    rules: list[Rule] = []
    for index, row in enumerate(rows, start=1):
        label = f"rule #{index} ({row.get('key', '?')})"
        row_problems: list[str] = []
        rule = _parse_row(row, row_problems)
        problems.extend(f"{label}: {problem}" for problem in row_problems)
        if rule is not None:
            rules.append(rule)
    if problems:
        raise RulesDataError(source, problems)
    return rules


def _parse_row(row: Mapping[str, Any], problems: list[str]) -> Rule | None:
    problems.extend(f"unknown field {name!r}" for name in sorted(set(row) - _FIELDS))
    problems.extend(f"missing {name}" for name in sorted(_REQUIRED - set(row)))
    if problems:
        return None
    key = row["key"]
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        problems.append(f"key {key!r} must be snake_case")
    unit = _enum(Unit, row["unit"], "unit", problems)
    kind = _enum(Kind, row["kind"], "kind", problems)
    certainty = _enum(Certainty, row["certainty"], "certainty", problems)
    scope = _enum(Scope, row["scope"], "scope", problems)
    value = _value(row["value"], unit, problems)
    citation = row["citation"]
    if not isinstance(citation, str) or not citation.strip():
        problems.append("citation must name the article (e.g. 条例26)")
    reason = row["reason"]
    if not isinstance(reason, str) or not reason.strip():
        problems.append("reason must be one line of text")
    elif "\n" in reason or re.search(r"\{(?!value\})", reason):
        problems.append("reason must be one line whose only placeholder is {value}")
    effective_from = _day(row["effective_from"], "effective_from", problems)
    effective_to = _day(row["effective_to"], "effective_to", problems) if "effective_to" in row else None
    if effective_from and effective_to and effective_to < effective_from:
        problems.append(f"effective_to {effective_to} is before effective_from {effective_from}")
    if kind is Kind.TRACKED and unit is not None and unit not in PERIOD_UNITS:
        problems.append(f"a tracked rule is a due date, so its unit must be a period, not {unit}")
    if problems:
        return None
    assert unit and kind and certainty and scope and value is not None and effective_from
    return Rule(
        key=key,
        value=value,
        unit=unit,
        kind=kind,
        citation=citation.strip(),
        effective_from=effective_from,
        effective_to=effective_to,
        certainty=certainty,
        scope=scope,
        reason=reason.strip(),
    )


def _enum(enum: type[E], raw: object, name: str, problems: list[str]) -> E | None:
    try:
        return enum(raw)
    except ValueError:
        problems.append(f"{name} {raw!r} is not one of {', '.join(member.value for member in enum)}")
        return None


def _value(raw: object, unit: Unit | None, problems: list[str]) -> Fraction | None:
    if isinstance(raw, bool | float):
        problems.append(f'value {raw!r}: write whole numbers as integers and ratios as text ("0.02", "2/3")')
        return None
    if isinstance(raw, int):
        value = Fraction(raw)
    elif isinstance(raw, str) and _RATIO_TEXT.fullmatch(raw.strip()):
        try:
            value = Fraction(raw.strip())
        except ZeroDivisionError:
            problems.append(f"value {raw!r} divides by zero")
            return None
    else:
        problems.append(f"value {raw!r} is not a number")
        return None
    if unit is None:
        return value
    if unit in WHOLE_NUMBER_UNITS and value.denominator != 1:
        problems.append(f"a {unit} value must be a whole number, got {raw!r}")
    elif (unit in PERIOD_UNITS or unit is Unit.COUNT) and value < 1:
        problems.append(f"a {unit} value must be at least 1, got {raw!r}")
    elif unit is Unit.FLAG and value not in (0, 1):
        problems.append(f"a flag value must be 0 or 1, got {raw!r}")
    elif unit is Unit.RATIO and not 0 < value <= 1:
        problems.append(f"a ratio must be above 0 and at most 1, got {raw!r}")
    elif unit is Unit.YUAN and (value < 0 or (value * 100).denominator != 1):
        problems.append(f"a yuan value must be a non-negative amount with at most two decimal places, got {raw!r}")
    return value


def _day(raw: object, name: str, problems: list[str]) -> date | None:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    problems.append(f"{name} {raw!r} must be a TOML date (YYYY-MM-DD, unquoted)")
    return None


def _span(rule: Rule) -> str:
    return f"{rule.effective_from.isoformat()}..{rule.effective_to.isoformat() if rule.effective_to else ''}"


def _check_histories(rows: list[Rule], source: str) -> None:
    """Rows of one key (sorted by effective_from) must not overlap, and keep one unit (the code that asks for a key
    depends on its unit); only the last row may be open-ended."""
    problems = []
    for earlier, later in itertools.pairwise(rows):
        if earlier.key != later.key:
            continue
        if earlier.unit is not later.unit:
            problems.append(f"rule {earlier.key}: every row must keep one unit, got {earlier.unit} and {later.unit}")
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            problems.append(
                f"rule {earlier.key}: rows {_span(earlier)} and {_span(later)} overlap "
                "(end the earlier row the day before the later one starts)"
            )
    if problems:
        raise RulesDataError(source, problems)
