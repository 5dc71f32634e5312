"""Counting periods: 民法典201 (start the next day), 民法典203 (rest-day roll-over, 24:00 end), working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from functools import partial

import pytest

from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import ValidationFailed
from zhaocai.rules import (
    CalendarYearMissing,
    Certainty,
    Kind,
    Rule,
    RulesTable,
    Scope,
    Unit,
    before_cutoff,
    check_before,
    check_min_period,
    check_within,
    earliest_anchor,
    last_day,
    period_end,
)

at = partial(datetime, tzinfo=SHANGHAI)  # an instant given in Beijing time


def made_up(unit: Unit, value: int, key: str = "made_up") -> Rule:
    return Rule(
        key=key,
        value=Fraction(value),
        unit=unit,
        kind=Kind.ENFORCED,
        citation="测试1",
        effective_from=date(2020, 1, 1),
        effective_to=None,
        certainty=Certainty.VERIFIED,
        scope=Scope.TENDERING,
        reason="a made-up rule of {value}",
    )


def test_bid_deadline_one_day_short_is_refused_naming_the_rule(rules: RulesTable) -> None:
    rule = rules.get("bid_deadline_min_days", date(2025, 3, 4))
    issued = at(2025, 3, 4, 10)
    with pytest.raises(ValidationFailed) as refused:
        check_min_period(issued, at(2025, 3, 24, 9), rule, field="bid_deadline")
    error = refused.value
    assert error.message == (
        "bid deadline (投标截止时间) must be at least 20 days after the tender documents (招标文件) are issued (法24): "
        "earliest 2025-03-25 00:00 Asia/Shanghai, got 2025-03-24 09:00"
    )
    assert (error.field, error.citation, error.status) == ("bid_deadline", "法24", 422)
    assert error.detail["rule"] == "bid_deadline_min_days"
    check_min_period(issued, at(2025, 3, 25), rule, field="bid_deadline")  # the exact minimum
    with pytest.raises(ValidationFailed):
        check_min_period(issued, at(2025, 3, 24, 23, 59), rule, field="bid_deadline")


def test_the_event_day_is_not_counted_whatever_the_hour(rules: RulesTable) -> None:
    rule = rules.get("bid_deadline_min_days", date(2025, 3, 4))
    assert period_end(at(2025, 3, 4, 0, 0), rule) == at(2025, 3, 25)
    assert period_end(at(2025, 3, 4, 23, 59), rule) == at(2025, 3, 25)


def test_day_boundaries_are_beijing_time(rules: RulesTable) -> None:
    rule = rules.get("bid_deadline_min_days", date(2025, 3, 4))
    # 2025-03-03 17:30 UTC is 2025-03-04 01:30 in Beijing: the event day is 3-04, not 3-03.
    end = period_end(datetime(2025, 3, 3, 17, 30, tzinfo=UTC), rule)
    assert end == at(2025, 3, 25)
    assert end.astimezone(UTC) == datetime(2025, 3, 24, 16, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="no timezone"):
        period_end(datetime(2025, 3, 4, 10), rule)


def test_a_period_ending_in_the_national_day_holiday_ends_on_the_next_working_day(rules: RulesTable) -> None:
    rule = rules.get("bid_deadline_min_days", date(2025, 9, 11))
    issued = at(2025, 9, 11, 9)  # 20 days later is 10-01, inside 国庆 10-01..10-08
    assert last_day(issued, rule) == date(2025, 10, 9)
    assert period_end(issued, rule) == at(2025, 10, 10)
    with pytest.raises(ValidationFailed, match="earliest 2025-10-10 00:00"):
        check_min_period(issued, at(2025, 10, 9, 9), rule, field="bid_deadline")
    check_min_period(issued, at(2025, 10, 10, 9), rule, field="bid_deadline")


def test_a_period_ending_on_an_ordinary_weekend_ends_on_monday(rules: RulesTable) -> None:
    rule = rules.get("document_sale_min_days", date(2025, 3, 4))
    assert last_day(at(2025, 3, 4, 9), rule) == date(2025, 3, 10)  # 3-09 is a Sunday


def test_a_period_ending_on_a_make_up_saturday_does_not_roll_over(rules: RulesTable) -> None:
    rule = rules.get("candidate_publicity_min_days", date(2025, 10, 8))
    assert last_day(at(2025, 10, 8, 15), rule) == date(2025, 10, 11)  # Saturday, a 调休 working day


def test_working_day_periods_count_make_up_saturdays(rules: RulesTable) -> None:
    rule = rules.get("complaint_acceptance_working_days", date(2025, 2, 6))
    received = at(2025, 2, 6, 16)  # Thursday; then Friday 2-07, make-up Saturday 2-08, Monday 2-10
    assert last_day(received, rule) == date(2025, 2, 10)
    assert period_end(received, rule) == at(2025, 2, 11)
    check_within(received, at(2025, 2, 10, 23, 59), rule, field="accepted_at")
    with pytest.raises(ValidationFailed) as refused:
        check_within(received, at(2025, 2, 11, 0, 1), rule, field="accepted_at")
    assert "(条例61): due by 2025-02-11 00:00 Asia/Shanghai, got 2025-02-11 00:01" in refused.value.message


def test_working_day_periods_skip_holidays(rules: RulesTable) -> None:
    rule = rules.get("gp_challenge_working_days", date(2025, 9, 26))
    # Friday 9-26, 7 working days: make-up Sunday 9-28, 9-29, 9-30, (国庆 10-01..10-08), 10-09, 10-10,
    # make-up Saturday 10-11, Monday 10-13.
    assert last_day(at(2025, 9, 26, 10), rule) == date(2025, 10, 13)


def test_a_period_in_a_year_without_holiday_data_is_refused(rules: RulesTable) -> None:
    rule = rules.get("contract_signing_days", date(2026, 12, 20))
    with pytest.raises(CalendarYearMissing) as refused:
        period_end(at(2026, 12, 20, 10), rule)  # the 30th day is in 2027
    assert refused.value.status == 503
    assert "no holiday calendar for 2027" in refused.value.message


def test_objection_must_leave_ten_whole_days_before_the_deadline(rules: RulesTable) -> None:
    rule = rules.get("objection_tender_docs_min_days_before_deadline", date(2025, 3, 1))
    deadline = at(2025, 3, 25, 9)
    assert before_cutoff(deadline, rule) == at(2025, 3, 15)
    check_before(at(2025, 3, 14, 23, 59), deadline, rule, field="raised_at")
    with pytest.raises(ValidationFailed) as refused:
        check_before(at(2025, 3, 15, 8), deadline, rule, field="raised_at")
    assert refused.value.citation == "条例22"
    assert refused.value.message.endswith(
        "(条例22): must come before 2025-03-15 00:00 Asia/Shanghai, got 2025-03-15 08:00"
    )


def test_a_late_clarification_pushes_the_deadline_to_the_earliest_anchor(rules: RulesTable) -> None:
    rule = rules.get("clarification_min_days_before_bid_deadline", date(2025, 3, 1))
    issued = at(2025, 3, 12, 16)  # 15 whole days after it: 3-13..3-27
    assert earliest_anchor(issued, rule) == at(2025, 3, 28)
    check_before(issued, at(2025, 3, 28), rule, field="clarified_at")
    with pytest.raises(ValidationFailed):
        check_before(issued, at(2025, 3, 27, 23, 59), rule, field="clarified_at")


@pytest.mark.parametrize("unit", [Unit.CALENDAR_DAY, Unit.WORKING_DAY])
def test_earliest_anchor_is_the_inverse_of_before_cutoff(unit: Unit) -> None:
    rule = made_up(unit, 3)
    for offset in range(0, 30 * 24, 13):  # acts every 13 hours over 2025-01-20 .. 2025-02-19 (春节, make-up days)
        act = at(2025, 1, 20, 10) + timedelta(hours=offset)
        anchor = earliest_anchor(act, rule)
        check_before(act, anchor, rule, field="f")
        assert act < before_cutoff(anchor, rule)
        assert act >= before_cutoff(anchor - timedelta(minutes=1), rule)


def test_counting_back_in_working_days_skips_rest_days() -> None:
    rule = made_up(Unit.WORKING_DAY, 3)
    # Anchor Thursday 10-09 (after 国庆): back over 10-08..10-01 and Tuesday 9-30, Monday 9-29, make-up Sunday 9-28.
    assert before_cutoff(at(2025, 10, 9, 9), rule) == at(2025, 9, 28)


def test_hour_periods_run_from_the_instant() -> None:
    rule = made_up(Unit.HOUR, 48)
    start = at(2025, 10, 1, 10, 30)
    assert period_end(start, rule) == start + timedelta(hours=48)  # no roll-over for hours
    with pytest.raises(TypeError):
        last_day(start, rule)


def test_period_functions_refuse_rules_that_are_not_periods(rules: RulesTable) -> None:
    with pytest.raises(TypeError, match="bid_bond_max_ratio is in ratio"):
        period_end(at(2025, 3, 4), rules.get("bid_bond_max_ratio", date(2025, 3, 4)))
