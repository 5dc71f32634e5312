"""One row of the rules table: a time limit, threshold or count, with its citation and the dates it is in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from zhaocai.core.money import format_yuan


class Unit(StrEnum):
    CALENDAR_DAY = "calendar_day"
    WORKING_DAY = "working_day"
    HOUR = "hour"
    RATIO = "ratio"
    COUNT = "count"
    YUAN = "yuan"
    FLAG = "flag"


class Kind(StrEnum):
    ENFORCED = "enforced"  # the platform refuses, citing the rule
    TRACKED = "tracked"  # someone must act by a due date; reminders and an overdue state, flagged to supervision


class Certainty(StrEnum):
    VERIFIED = "V"
    REMEMBERED = "R"
    UNCERTAIN = "?"


class Scope(StrEnum):
    TENDERING = "tendering"
    MANDATORY_TENDERING = "mandatory_tendering"
    WORKS_TENDERING = "works_tendering"
    GOVERNMENT_PROCUREMENT = "government_procurement"


PERIOD_UNITS = frozenset({Unit.CALENDAR_DAY, Unit.WORKING_DAY, Unit.HOUR})
WHOLE_NUMBER_UNITS = frozenset({Unit.CALENDAR_DAY, Unit.WORKING_DAY, Unit.HOUR, Unit.COUNT, Unit.FLAG})


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    value: Fraction
    unit: Unit
    kind: Kind
    citation: str
    effective_from: date
    effective_to: date | None  # last day in force, inclusive; None = still in force
    certainty: Certainty
    scope: Scope
    reason: str  # may hold {value}; see `statement`

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def require_unit(self, *units: Unit) -> None:
        """Guard for code that handles only some units (a period function given a ratio rule is a bug)."""
        if self.unit not in units:
            raise TypeError(f"rule {self.key} is in {self.unit}, not {' or '.join(units)}")

    def as_int(self) -> int:
        if self.value.denominator != 1:
            raise TypeError(f"rule {self.key} has the non-integer value {self.value}")
        return int(self.value)

    @property
    def display_value(self) -> str:
        """20, 2%, 2/3, ¥800,000.00 — the value as a person reads it."""
        if self.unit is Unit.YUAN:
            return format_yuan(Decimal(self.value.numerator) / Decimal(self.value.denominator))
        if self.unit is Unit.RATIO:
            percent = self.value * 100
            return f"{int(percent)}%" if percent.denominator == 1 else str(self.value)
        return str(self.value)

    @property
    def statement(self) -> str:
        """The reason with the value filled in: what the error messages quote."""
        return self.reason.replace("{value}", self.display_value)
