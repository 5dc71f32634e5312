"""The law as data: the rules table, the working-day calendar, and the checks that apply them (docs/rules.md)."""

from zhaocai.rules.calendar import WorkingDayCalendar, packaged_calendar
from zhaocai.rules.errors import CalendarYearMissing, RuleNotInForce, RulesDataError, UnknownRule
from zhaocai.rules.limits import (
    check_at_least,
    check_at_most,
    check_max_ratio,
    check_min_ratio,
    check_odd,
    exceeds_ratio,
    meets_ratio,
    reaches,
)
from zhaocai.rules.periods import (
    before_cutoff,
    check_before,
    check_min_period,
    check_within,
    earliest_anchor,
    last_day,
    period_end,
)
from zhaocai.rules.rule import Certainty, Kind, Rule, Scope, Unit
from zhaocai.rules.table import RulesAsOf, RulesTable, packaged_rules

__all__ = [
    "CalendarYearMissing",
    "Certainty",
    "Kind",
    "Rule",
    "RuleNotInForce",
    "RulesAsOf",
    "RulesDataError",
    "RulesTable",
    "Scope",
    "Unit",
    "UnknownRule",
    "WorkingDayCalendar",
    "before_cutoff",
    "check_at_least",
    "check_at_most",
    "check_before",
    "check_max_ratio",
    "check_min_period",
    "check_min_ratio",
    "check_odd",
    "check_within",
    "earliest_anchor",
    "exceeds_ratio",
    "last_day",
    "meets_ratio",
    "packaged_calendar",
    "packaged_rules",
    "period_end",
    "reaches",
]
