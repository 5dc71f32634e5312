"""Every rule in the packaged table bites: the exact limit is accepted, one step past it is refused with the
rule's statement and citation in the error. Expected limits are worked out by hand from the 2025 calendar.

A rule added to data/rules.toml without a case here fails test_every_rule_has_a_biting_case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest

from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import ValidationFailed
from zhaocai.rules import (
    Rule,
    RulesTable,
    check_at_least,
    check_at_most,
    check_before,
    check_max_ratio,
    check_min_period,
    check_min_ratio,
    check_odd,
    check_within,
    exceeds_ratio,
    meets_ratio,
    reaches,
)

at = partial(datetime, tzinfo=SHANGHAI)  # an instant given in Beijing time
ON = date(2025, 3, 1)
EVENT = at(2025, 3, 4, 10)  # a Tuesday
DEADLINE = at(2025, 3, 25, 9)
FIELD = "the_field"
ONE_DAY = timedelta(days=1)
ONE_MINUTE = timedelta(minutes=1)
CENT = Decimal("0.01")

# key -> (event, earliest end): the period starts the day after the event and ends at 24:00 of its last day.
MIN_PERIOD = {
    "bid_deadline_min_days": (EVENT, at(2025, 3, 25)),  # last day 3-24
    "document_sale_min_days": (EVENT, at(2025, 3, 11)),  # 3-09 is a Sunday: last day Monday 3-10
    "prequal_application_min_days": (EVENT, at(2025, 3, 11)),
    "candidate_publicity_min_days": (EVENT, at(2025, 3, 8)),
    "gp_bid_deadline_min_days": (EVENT, at(2025, 3, 25)),
    "gp_document_availability_min_working_days": (EVENT, at(2025, 3, 12)),  # 3-05, 06, 07, 10, 11
}

# key -> (event, due): a tracked duty is overdue after the end of its period.
WITHIN = {
    "objection_docs_answer_days": (EVENT, at(2025, 3, 8)),
    "bid_bond_refund_after_withdrawal_days": (EVENT, at(2025, 3, 11)),  # 3-09 Sunday -> 3-10
    "bid_bond_refund_after_contract_days": (EVENT, at(2025, 3, 11)),
    "candidate_publicity_start_days": (EVENT, at(2025, 3, 8)),
    "result_objection_answer_days": (EVENT, at(2025, 3, 8)),
    "contract_signing_days": (at(2025, 3, 5, 10), at(2025, 4, 8)),  # 30th day 4-04 is 清明 (to 4-06) -> 4-07
    "gp_contract_signing_days": (at(2025, 3, 5, 10), at(2025, 4, 8)),
    "award_report_days": (EVENT, at(2025, 3, 20)),
    "complaint_max_days": (EVENT, at(2025, 3, 15)),
    "complaint_acceptance_working_days": (EVENT, at(2025, 3, 8)),  # 3-05, 06, 07
    "complaint_decision_working_days": (EVENT, at(2025, 4, 17)),  # 19 in March, 4-01..03, 4-07..11, 4-14..16
    "gp_complaint_decision_working_days": (EVENT, at(2025, 4, 17)),
    "gp_bid_bond_refund_working_days": (EVENT, at(2025, 3, 12)),
    "gp_challenge_working_days": (EVENT, at(2025, 3, 14)),  # 3-05..07, 3-10..13
    "gp_challenge_answer_working_days": (EVENT, at(2025, 3, 14)),
    "gp_complaint_working_days": (EVENT, at(2025, 3, 26)),  # 3-05..07, 10..14, 17..21, 24, 25
}

# key -> (anchor, cutoff): the act must come before 00:00 of the cutoff day, leaving N whole days before the anchor.
BEFORE = {
    "clarification_min_days_before_bid_deadline": (DEADLINE, at(2025, 3, 10)),  # 3-10..3-24 are the 15 days
    "gp_clarification_min_days_before_bid_deadline": (DEADLINE, at(2025, 3, 10)),
    "clarification_min_days_before_prequal_deadline": (DEADLINE, at(2025, 3, 22)),
    "objection_prequal_docs_min_days_before_deadline": (DEADLINE, at(2025, 3, 23)),
    "objection_tender_docs_min_days_before_deadline": (DEADLINE, at(2025, 3, 15)),
}

AT_LEAST = {
    "invited_tender_min_invitees": 3,
    "prequal_min_passed_applicants": 3,
    "opening_min_bidders": 3,
    "evaluation_committee_min_members": 5,
    "gp_evaluation_committee_min_members": 5,
    "gp_large_committee_min_members": 7,
    "expert_min_years_experience": 8,
    "evaluation_min_valid_bids": 3,
}
AT_MOST = {"max_winning_candidates": (3, 4), "works_bid_bond_max_yuan": (Decimal("800000.00"), Decimal("800000.01"))}
THRESHOLDS = {
    "must_tender_works_min_yuan": Decimal("4000000.00"),
    "must_tender_goods_min_yuan": Decimal("2000000.00"),
    "must_tender_services_min_yuan": Decimal("1000000.00"),
    "must_tender_budget_funds_min_yuan": Decimal("2000000.00"),
    "gp_open_tender_min_yuan": Decimal("2000000.00"),
    "gp_large_committee_budget_min_yuan": Decimal("10000000.00"),
}
# key -> (base, the largest amount allowed)
MAX_RATIO = {
    "bid_bond_max_ratio": (Decimal("1234567.89"), Decimal("24691.35")),  # 2% = 24,691.3578
    "gp_bid_bond_max_ratio": (Decimal("1234567.89"), Decimal("24691.35")),
    "performance_bond_max_ratio": (Decimal("1234567.89"), Decimal("123456.78")),  # 10% = 123,456.789
    "gp_performance_bond_max_ratio": (Decimal("1234567.89"), Decimal("123456.78")),
}
# key -> [(members, fewest experts allowed)]
MIN_RATIO = {
    "evaluation_committee_min_expert_ratio": [(5, 4), (7, 5), (9, 6)],
    "gp_evaluation_committee_min_expert_ratio": [(5, 4), (7, 5), (9, 6)],
}
# key -> (investment, smallest budget-funds amount that counts)
MEETS_RATIO = {"must_tender_budget_funds_min_ratio": (Decimal("30000000.00"), Decimal("3000000.00"))}
# key -> [(members, most members who may ask for more time without forcing an extension)]
EXCEEDS = {"evaluation_time_extension_member_ratio": [(9, 3), (7, 2), (5, 1)]}
ODD = ("evaluation_committee_odd_size", "gp_evaluation_committee_odd_size")

CASES: list[dict] = [
    MIN_PERIOD,
    WITHIN,
    BEFORE,
    AT_LEAST,
    AT_MOST,
    THRESHOLDS,
    MAX_RATIO,
    MIN_RATIO,
    MEETS_RATIO,
    EXCEEDS,
]


def refused(rule: Rule, call: Callable[[], None]) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        call()
    error = caught.value
    assert error.citation == rule.citation
    assert error.field == FIELD
    assert rule.statement in error.message
    assert f"({rule.citation}):" in error.message
    assert error.detail["rule"] == rule.key
    return error


def test_every_rule_has_a_biting_case(rules: RulesTable) -> None:
    covered = [key for case in CASES for key in case] + list(ODD)
    assert len(covered) == len(set(covered))
    assert sorted(covered) == rules.keys()


@pytest.mark.parametrize("key", sorted(MIN_PERIOD))
def test_minimum_periods(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    event, earliest = MIN_PERIOD[key]
    check_min_period(event, earliest, rule, field=FIELD)
    check_min_period(event, earliest + ONE_DAY, rule, field=FIELD)
    refused(rule, lambda: check_min_period(event, earliest - ONE_DAY, rule, field=FIELD))
    refused(rule, lambda: check_min_period(event, earliest - ONE_MINUTE, rule, field=FIELD))


@pytest.mark.parametrize("key", sorted(WITHIN))
def test_tracked_due_dates(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    event, due = WITHIN[key]
    check_within(event, due, rule, field=FIELD)
    refused(rule, lambda: check_within(event, due + ONE_MINUTE, rule, field=FIELD))
    refused(rule, lambda: check_within(event, due + ONE_DAY, rule, field=FIELD))


@pytest.mark.parametrize("key", sorted(BEFORE))
def test_acts_that_must_come_before_a_deadline(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    anchor, cutoff = BEFORE[key]
    check_before(cutoff - ONE_MINUTE, anchor, rule, field=FIELD)
    refused(rule, lambda: check_before(cutoff, anchor, rule, field=FIELD))
    refused(rule, lambda: check_before(cutoff + ONE_DAY - ONE_MINUTE, anchor, rule, field=FIELD))


@pytest.mark.parametrize("key", sorted(AT_LEAST))
def test_minimum_counts(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    least = AT_LEAST[key]
    check_at_least(least, rule, field=FIELD)
    error = refused(rule, lambda: check_at_least(least - 1, rule, field=FIELD))
    assert error.message.endswith(f"got {least - 1}")


@pytest.mark.parametrize("key", sorted(AT_MOST))
def test_maximums(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    most, too_many = AT_MOST[key]
    check_at_most(most, rule, field=FIELD)
    refused(rule, lambda: check_at_most(too_many, rule, field=FIELD))


@pytest.mark.parametrize("key", sorted(THRESHOLDS))
def test_thresholds(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    threshold = THRESHOLDS[key]
    assert reaches(threshold, rule)
    assert not reaches(threshold - CENT, rule)


@pytest.mark.parametrize("key", sorted(MAX_RATIO))
def test_maximum_ratios(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    base, most = MAX_RATIO[key]
    check_max_ratio(most, base, rule, field=FIELD)
    error = refused(rule, lambda: check_max_ratio(most + CENT, base, rule, field=FIELD))
    assert f"at most ¥{most:,} of ¥{base:,}, got ¥{most + CENT:,}" in error.message


@pytest.mark.parametrize("key", sorted(MIN_RATIO))
def test_minimum_ratios(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    for members, fewest in MIN_RATIO[key]:
        check_min_ratio(fewest, members, rule, field=FIELD)
        error = refused(rule, lambda m=members, f=fewest: check_min_ratio(f - 1, m, rule, field=FIELD))
        assert error.message.endswith(f"at least {fewest} of {members}, got {fewest - 1}")


@pytest.mark.parametrize("key", sorted(MEETS_RATIO))
def test_ratio_thresholds(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    whole, least = MEETS_RATIO[key]
    assert meets_ratio(least, whole, rule)
    assert not meets_ratio(least - CENT, whole, rule)


@pytest.mark.parametrize("key", sorted(EXCEEDS))
def test_ratio_triggers(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    for members, most_without in EXCEEDS[key]:
        assert not exceeds_ratio(most_without, members, rule), (members, most_without)
        assert exceeds_ratio(most_without + 1, members, rule), (members, most_without)


@pytest.mark.parametrize("key", ODD)
def test_odd_sizes(rules: RulesTable, key: str) -> None:
    rule = rules.get(key, ON)
    check_odd(5, rule, field=FIELD)
    check_odd(7, rule, field=FIELD)
    refused(rule, lambda: check_odd(6, rule, field=FIELD))


def test_floats_are_refused_in_comparisons(rules: RulesTable) -> None:
    rule = rules.get("bid_bond_max_ratio", ON)
    with pytest.raises(TypeError, match="not float"):
        check_max_ratio(0.02, Decimal(1), rule, field=FIELD)  # type: ignore[arg-type]
