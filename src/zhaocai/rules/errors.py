"""Errors of the rules package.

Bad data files and unknown keys are programming or deployment faults (plain exceptions). A missing holiday year is
a refusal the user meets (a DomainError): the platform will not guess working days it has no official notice for.
"""

from __future__ import annotations

from zhaocai.core.errors import DomainError


class RulesDataError(ValueError):
    """A rules or holiday data file breaks the format; the message lists every problem found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


class UnknownRule(LookupError):
    """The code asked for a key the rules table does not have."""


class RuleNotInForce(LookupError):
    """The key exists but no row of it is in force on the date asked for."""


class CalendarYearMissing(DomainError):
    status = 503
    code = "calendar_year_missing"
