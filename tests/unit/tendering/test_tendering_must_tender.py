"""The must-tender check (16号令) at its boundaries: the funding test, each contract kind's threshold, merged
purchases, and the rows in force on the day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tendering_world import RULES, project

from zhaocai.core.errors import ValidationFailed
from zhaocai.tendering.model import MustTenderVerdict, TenderKind, must_tender_check

ON = date(2025, 3, 1)
CENT = Decimal("0.01")
THRESHOLDS = {
    TenderKind.WORKS: Decimal("4000000.00"),
    TenderKind.GOODS: Decimal("2000000.00"),
    TenderKind.SERVICES: Decimal("1000000.00"),
}


def check(
    estimate: Decimal, *, kind: TenderKind = TenderKind.WORKS, on: date = ON, **funding: object
) -> MustTenderVerdict:
    return must_tender_check(
        project(**funding) if funding else project(), kind=kind, contract_estimate=estimate, on=on, rules=RULES
    )


@pytest.mark.parametrize("kind", list(TenderKind))
def test_each_kind_has_its_threshold(kind: TenderKind) -> None:
    at_threshold = check(THRESHOLDS[kind], kind=kind)
    assert at_threshold.must_tender and at_threshold.in_scope and at_threshold.reaches_threshold
    assert at_threshold.citation == "16号令5"
    assert at_threshold.threshold.key == f"must_tender_{kind}_min_yuan"
    below = check(THRESHOLDS[kind] - CENT, kind=kind)
    assert not below.must_tender and below.in_scope and not below.reaches_threshold
    assert "is below" in below.reasons[-1] and "(16号令5)" in below.reasons[-1]


def test_mergeable_purchases_count_together() -> None:
    verdict = must_tender_check(
        project(),
        kind=TenderKind.SERVICES,
        contract_estimate=Decimal("600000.00"),
        merged_estimate=Decimal("1000000.00"),
        on=ON,
        rules=RULES,
    )
    assert verdict.must_tender
    assert "mergeable purchases total ¥1,000,000.00" in verdict.reasons[-1]


@pytest.mark.parametrize(
    ("budget", "investment", "in_scope"),
    [
        (Decimal("2000000.00"), Decimal("20000000.00"), True),  # both limits exactly
        (Decimal("1999999.99"), Decimal("19999999.90"), False),  # 10% but below ¥2,000,000
        (Decimal("2000000.00"), Decimal("20000000.01"), False),  # ¥2,000,000 but below 10%
        (Decimal("0.00"), Decimal("20000000.00"), False),
    ],
)
def test_the_budget_funds_test(budget: Decimal, investment: Decimal, in_scope: bool) -> None:
    verdict = check(Decimal("5000000.00"), budget_funds=budget, total_investment=investment)
    assert verdict.in_scope is in_scope
    assert verdict.must_tender is in_scope
    assert "16号令2" in verdict.reasons[0]
    assert [rule.key for rule in verdict.rules] == [
        "must_tender_budget_funds_min_yuan",
        "must_tender_budget_funds_min_ratio",
        "must_tender_works_min_yuan",
    ]


@pytest.mark.parametrize(
    ("flag", "citation"),
    [
        ("state_controlled", "16号令2(二)"),
        ("foreign_loans_or_aid", "16号令3"),
        ("public_interest_infrastructure", "16号令4"),
    ],
)
def test_other_grounds_bring_a_project_into_scope(flag: str, citation: str) -> None:
    verdict = check(Decimal("4000000.00"), budget_funds=Decimal("0.00"), **{flag: True})
    assert verdict.must_tender
    assert citation in verdict.reasons[0]
    assert verdict.open_tender_required is (flag == "state_controlled")


def test_a_project_out_of_scope_need_not_tender_whatever_the_amount() -> None:
    verdict = check(Decimal("90000000.00"), budget_funds=Decimal("0.00"), state_funded=False)
    assert not verdict.must_tender and verdict.reaches_threshold and not verdict.in_scope
    assert verdict.reasons[0].startswith("not in scope")


def test_the_rows_of_the_day_apply() -> None:
    assert check(Decimal("4000000.00"), on=date(2018, 6, 1)).must_tender
    with pytest.raises(ValidationFailed) as caught:
        check(Decimal("4000000.00"), on=date(2018, 5, 31))
    assert caught.value.field == "on"
    assert "2018-06-01" in caught.value.message


def test_amounts_are_exact() -> None:
    with pytest.raises(ValidationFailed):
        check(4000000.0)  # type: ignore[arg-type]
