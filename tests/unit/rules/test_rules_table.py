"""The rules table: loading, validation of the data file, and picking the row in force on a day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path

import pytest

from zhaocai.rules import Certainty, Kind, RuleNotInForce, RulesDataError, RulesTable, Scope, Unit, UnknownRule

ROW = """
[[rule]]
key = "{key}"
value = {value}
unit = "{unit}"
kind = "{kind}"
citation = "{citation}"
effective_from = {effective_from}
{extra}
certainty = "R"
scope = "tendering"
reason = "a test rule of {{value}}"
"""


def row(
    key: str = "demo_days",
    value: str = "20",
    unit: str = "calendar_day",
    kind: str = "enforced",
    citation: str = "法24",
    effective_from: str = "2020-01-01",
    extra: str = "",
) -> str:
    return ROW.format(
        key=key, value=value, unit=unit, kind=kind, citation=citation, effective_from=effective_from, extra=extra
    )


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text("".join(rows), encoding="utf-8")
    return path


def test_packaged_table_loads_with_every_rule_the_procedures_need(rules: RulesTable) -> None:
    wanted = {
        "bid_deadline_min_days": (20, Unit.CALENDAR_DAY, "法24"),
        "document_sale_min_days": (5, Unit.CALENDAR_DAY, "条例16"),
        "prequal_application_min_days": (5, Unit.CALENDAR_DAY, "条例17"),
        "clarification_min_days_before_bid_deadline": (15, Unit.CALENDAR_DAY, "条例21"),
        "clarification_min_days_before_prequal_deadline": (3, Unit.CALENDAR_DAY, "条例21"),
        "objection_prequal_docs_min_days_before_deadline": (2, Unit.CALENDAR_DAY, "条例22"),
        "objection_tender_docs_min_days_before_deadline": (10, Unit.CALENDAR_DAY, "条例22"),
        "objection_docs_answer_days": (3, Unit.CALENDAR_DAY, "条例22"),
        "bid_bond_max_ratio": (Fraction(2, 100), Unit.RATIO, "条例26"),
        "works_bid_bond_max_yuan": (800_000, Unit.YUAN, "30号令37"),
        "bid_bond_refund_after_withdrawal_days": (5, Unit.CALENDAR_DAY, "条例35"),
        "bid_bond_refund_after_contract_days": (5, Unit.CALENDAR_DAY, "条例57"),
        "performance_bond_max_ratio": (Fraction(1, 10), Unit.RATIO, "条例58"),
        "opening_min_bidders": (3, Unit.COUNT, "条例44"),
        "prequal_min_passed_applicants": (3, Unit.COUNT, "条例19"),
        "invited_tender_min_invitees": (3, Unit.COUNT, "法17"),
        "evaluation_committee_min_members": (5, Unit.COUNT, "法37"),
        "evaluation_committee_odd_size": (1, Unit.FLAG, "法37"),
        "evaluation_committee_min_expert_ratio": (Fraction(2, 3), Unit.RATIO, "法37"),
        "evaluation_time_extension_member_ratio": (Fraction(1, 3), Unit.RATIO, "条例48"),
        "max_winning_candidates": (3, Unit.COUNT, "条例53"),
        "candidate_publicity_start_days": (3, Unit.CALENDAR_DAY, "条例54"),
        "candidate_publicity_min_days": (3, Unit.CALENDAR_DAY, "条例54"),
        "result_objection_answer_days": (3, Unit.CALENDAR_DAY, "条例54"),
        "contract_signing_days": (30, Unit.CALENDAR_DAY, "法46"),
        "award_report_days": (15, Unit.CALENDAR_DAY, "法47"),
        "complaint_max_days": (10, Unit.CALENDAR_DAY, "条例60"),
        "must_tender_works_min_yuan": (4_000_000, Unit.YUAN, "16号令5"),
        "must_tender_goods_min_yuan": (2_000_000, Unit.YUAN, "16号令5"),
        "must_tender_services_min_yuan": (1_000_000, Unit.YUAN, "16号令5"),
    }
    on = date(2025, 6, 1)
    for key, (value, unit, citation) in wanted.items():
        rule = rules.get(key, on)
        assert (rule.value, rule.unit, rule.citation) == (value, unit, citation), key


def test_certainty_marks_are_carried_from_the_reference(rules: RulesTable) -> None:
    on = date(2025, 6, 1)
    assert rules.get("works_bid_bond_max_yuan", on).certainty is Certainty.UNCERTAIN
    assert rules.get("must_tender_works_min_yuan", on).certainty is Certainty.VERIFIED
    assert rules.get("candidate_publicity_min_days", on).certainty is Certainty.VERIFIED
    assert rules.get("bid_deadline_min_days", on).certainty is Certainty.REMEMBERED


def test_kinds_split_platform_limits_from_duties_of_people(rules: RulesTable) -> None:
    on = date(2025, 6, 1)
    assert rules.get("bid_deadline_min_days", on).kind is Kind.ENFORCED
    for key in ("contract_signing_days", "award_report_days", "objection_docs_answer_days"):
        assert rules.get(key, on).kind is Kind.TRACKED
    assert rules.get("bid_deadline_min_days", on).scope is Scope.MANDATORY_TENDERING
    assert rules.get("gp_bid_deadline_min_days", on).scope is Scope.GOVERNMENT_PROCUREMENT


def test_every_packaged_statement_renders_its_value(rules: RulesTable) -> None:
    for rule in rules.all():
        assert "{" not in rule.statement and rule.statement, rule.key
        assert rule.display_value in rule.statement or "{value}" not in rule.reason, rule.key


def test_a_rule_change_is_a_new_row_picked_by_date(rules: RulesTable) -> None:
    """16号令 raised the must-tender thresholds on 2018-06-01; the old row governs tenders published before."""
    before = rules.get("must_tender_works_min_yuan", date(2018, 5, 31))
    after = rules.get("must_tender_works_min_yuan", date(2018, 6, 1))
    assert (before.value, before.citation) == (2_000_000, "计委3号令7")
    assert (after.value, after.citation) == (4_000_000, "16号令5")
    assert [r.value for r in rules.history("must_tender_works_min_yuan")] == [2_000_000, 4_000_000]


def test_an_instant_is_read_as_its_beijing_day(rules: RulesTable) -> None:
    # 2018-05-31 17:00 UTC is already 2018-06-01 01:00 in Beijing.
    assert rules.get("must_tender_works_min_yuan", datetime(2018, 5, 31, 17, tzinfo=UTC)).value == 4_000_000
    assert rules.get("must_tender_works_min_yuan", datetime(2018, 5, 31, 15, tzinfo=UTC)).value == 2_000_000
    with pytest.raises(ValueError, match="timezone"):
        rules.get("must_tender_works_min_yuan", datetime(2018, 6, 1))


def test_as_of_fixes_the_day_a_tender_is_governed_by(rules: RulesTable) -> None:
    tender_rules = rules.as_of(date(2018, 5, 20))
    assert tender_rules["must_tender_goods_min_yuan"].value == 1_000_000
    assert tender_rules.get("bid_deadline_min_days").value == 20


def test_unknown_key_is_refused_with_a_suggestion(rules: RulesTable) -> None:
    with pytest.raises(UnknownRule, match="did you mean bid_deadline_min_days"):
        rules.get("bid_deadline_min_day", date(2025, 1, 1))


def test_a_key_not_yet_in_force_is_refused(rules: RulesTable) -> None:
    with pytest.raises(RuleNotInForce, match="not in force on 2018-05-31"):
        rules.get("must_tender_budget_funds_min_yuan", date(2018, 5, 31))


def test_all_lists_every_row_or_the_rows_in_force(rules: RulesTable) -> None:
    every = rules.all()
    in_2025 = rules.all(on=date(2025, 1, 1))
    assert len(every) == len(in_2025) + 3  # the three 计委3号令 thresholds ended in 2018
    assert len({rule.key for rule in in_2025}) == len(in_2025)
    assert [rule.key for rule in every] == sorted(rule.key for rule in every)


def test_loads_a_table_from_a_path_with_two_rows_of_one_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row(value="20", effective_from="2020-01-01", extra="effective_to = 2024-12-31"),
        row(value="25", effective_from="2025-01-01", citation="新法24"),
    )
    table = RulesTable.load(path)
    assert table.get("demo_days", date(2024, 12, 31)).value == 20
    assert table.get("demo_days", date(2025, 1, 1)).value == 25
    assert table.get("demo_days", date(2025, 1, 1)).citation == "新法24"
    with pytest.raises(RuleNotInForce):
        table.get("demo_days", date(2019, 12, 31))


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            [row(effective_from="2020-01-01"), row(effective_from="2025-01-01")],
            "overlap",
        ),
        (
            [row(effective_from="2020-01-01", extra="effective_to = 2025-01-01"), row(effective_from="2025-01-01")],
            "overlap",
        ),
        (
            [
                row(effective_from="2020-01-01", extra="effective_to = 2024-12-31"),
                row(effective_from="2025-01-01", unit="working_day"),
            ],
            "keep one unit",
        ),
        ([row(unit="fortnight")], "unit 'fortnight' is not one of"),
        ([row(kind="advisory")], "kind 'advisory' is not one of"),
        ([row(citation="")], "citation must name the article"),
        ([row(citation="  ")], "citation must name the article"),
        ([row(value="20.0")], "write whole numbers as integers"),
        ([row(value='"2.5"')], "must be a whole number"),
        ([row(value="0")], "must be at least 1"),
        ([row(unit="ratio", value='"1.5"')], "a ratio must be above 0 and at most 1"),
        ([row(unit="yuan", value='"10.001"')], "at most two decimal places"),
        ([row(unit="flag", value="2")], "a flag value must be 0 or 1"),
        ([row(unit="ratio", value='"0.02"', kind="tracked")], "a tracked rule is a due date"),
        ([row(extra="effective_to = 2019-01-01")], "is before effective_from"),
        ([row(effective_from='"2020-01-01"')], "must be a TOML date"),
        ([row(key="Bid-Days")], "must be snake_case"),
        ([row(extra='colour = "red"')], "unknown field 'colour'"),
        ([row().replace('citation = "法24"\n', "")], "missing citation"),
        ([row().replace("{value}", "{amount}")], "only placeholder is {value}"),
        (["title = 'x'\n"], "no [[rule]] rows"),
        (["[[rule\n"], "not valid TOML"),
    ],
)
def test_bad_data_refuses_to_load(tmp_path: Path, rows: list[str], problem: str) -> None:
    with pytest.raises(RulesDataError) as refused:
        RulesTable.load(write(tmp_path, *rows))
    assert problem in str(refused.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(RulesDataError) as refused:
        RulesTable.load(write(tmp_path, row(unit="fortnight", citation=""), row(key="other", kind="advisory")))
    assert len(refused.value.problems) == 3
