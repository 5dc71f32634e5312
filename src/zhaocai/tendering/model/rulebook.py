"""The rules that govern one tender: the rows in force on its rules date, and only those whose scope covers it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from zhaocai.rules import Rule, RulesTable, Scope, WorkingDayCalendar
from zhaocai.rules.table import local_day

if TYPE_CHECKING:
    from zhaocai.tendering.model.tender import TenderProject


@dataclass(frozen=True)
class RuleBook:
    """Rows of `table` in force `on` the tender's rules date (the day its notice was published, DESIGN principle 1).

    `mandatory` is whether the tender is 依法必须进行招标 (rules of scope mandatory_tendering apply only then);
    `works` whether it is a works (施工) tender (scope works_tendering). `calendar` None means the packaged one.
    """

    table: RulesTable
    on: date
    mandatory: bool
    works: bool
    calendar: WorkingDayCalendar | None = None

    def rule(self, key: str) -> Rule:
        return self.table.get(key, self.on)

    def governs(self, rule: Rule) -> bool:
        if rule.scope is Scope.MANDATORY_TENDERING:
            return self.mandatory
        if rule.scope is Scope.WORKS_TENDERING:
            return self.works
        return rule.scope is Scope.TENDERING

    def governing(self, key: str) -> Rule | None:
        """The row of `key`, or None when its scope does not cover this tender (法24's 20 days bind only
        依法必须招标 tenders)."""
        rule = self.rule(key)
        return rule if self.governs(rule) else None


def book_for(
    tender: TenderProject, table: RulesTable, *, at: datetime, calendar: WorkingDayCalendar | None = None
) -> RuleBook:
    """The rule book of `tender`: its rules date once its notice is out; before that, the day of `at`."""
    on = tender.rules_date or local_day(at)
    return RuleBook(table=table, on=on, mandatory=tender.mandatory, works=tender.works, calendar=calendar)
