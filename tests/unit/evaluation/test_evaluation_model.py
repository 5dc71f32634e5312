"""The pure parts of evaluation: the plan's checks, the committee's tally and ranking by both methods, arithmetic
correction, the 条例51 checklist, the signals flagged, and the state table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.evaluation.checklist import ITEMS, check_answers, items_for
from zhaocai.evaluation.correction import BillLine, correct
from zhaocai.evaluation.flags import BidSignals, flags_for
from zhaocai.evaluation.machine import Event, State, step, table
from zhaocai.evaluation.plan import Criterion, EvaluationPlan, check_plan, plan_from_json
from zhaocai.evaluation.scoring import Sheet, rank, stage_outcomes, technical_passes

D = Decimal


def comprehensive(**overrides) -> EvaluationPlan:  # type: ignore[no-untyped-def]
    values = {
        "method": "comprehensive",
        "committee_size": 5,
        "criteria": (
            Criterion("tech", "施工组织设计", "technical", D(0), D(40), "0-40"),
            Criterion("biz", "商务", "price", D(0), D(20), "0-20"),
        ),
        "price_points": D(40),
        "price_benchmark": "lowest_valid",
    }
    return EvaluationPlan(**(values | overrides))


def passing(stage: str = "whole") -> dict[str, dict]:
    return {item.code: {"passed": True, "reason": None} for item in items_for(stage)}


def test_plan_round_trips_and_checks() -> None:
    plan = comprehensive()
    check_plan(plan, two_envelope=True)
    assert plan_from_json(plan.to_json()) == plan
    with pytest.raises(ValidationFailed) as wrong_total:
        check_plan(comprehensive(price_points=D(30)), two_envelope=False)
    assert wrong_total.value.field == "criteria" and "make 100" in wrong_total.value.message
    with pytest.raises(ValidationFailed) as benchmark:
        check_plan(comprehensive(price_benchmark="median"), two_envelope=False)
    assert benchmark.value.field == "price_benchmark"
    lowest = EvaluationPlan(
        "lowest_evaluated_price", 5, (Criterion("dur", "工期", "technical", D(-1000), D(1000), ""),)
    )
    check_plan(lowest, two_envelope=False)
    with pytest.raises(ValidationFailed):
        check_plan(EvaluationPlan("lowest_evaluated_price", 5, (), price_points=D(10)), two_envelope=False)
    with pytest.raises(ValidationFailed) as pass_score:
        check_plan(comprehensive(technical_pass_score=D(30)), two_envelope=False)
    assert pass_score.value.field == "technical_pass_score"


def test_comprehensive_ranking_with_the_lowest_valid_price_as_benchmark() -> None:
    plan = comprehensive()
    members = ["m1", "m2", "m3"]
    sheets = [
        Sheet(m, bid, passing(), {"tech": D(t), "biz": D(10)})
        for m in members
        for bid, t in (("a", 30), ("b", 36), ("c", 20))
    ]
    outcomes = stage_outcomes(plan, "whole", ["a", "b", "c"], members, sheets)
    assert outcomes["b"].means == {"tech": D("36.00"), "biz": D("10.00")}
    ranked = rank(plan, {"a": D(1000), "b": D(1100), "c": D(900)}, {k: o.points for k, o in outcomes.items()})
    # price score = min(900 / price, 1) × 40: a 36.00, b 32.73, c 40.00
    assert [(r.bid_id, r.price_score, r.score) for r in ranked] == [
        ("b", D("32.73"), D("78.73")),
        ("a", D("36.00"), D("76.00")),
        ("c", D("40.00"), D("70.00")),
    ]


def test_average_benchmark_caps_the_price_score_at_its_weight() -> None:
    plan = comprehensive(price_benchmark="average_valid")
    ranked = rank(plan, {"a": D(900), "b": D(1100)}, {})
    assert {r.bid_id: r.price_score for r in ranked} == {"a": D("40.00"), "b": D("36.36")}


def test_lowest_evaluated_price_adds_the_mean_adjustments() -> None:
    plan = EvaluationPlan("lowest_evaluated_price", 3, (Criterion("dur", "工期", "technical", D(-50), D(50), ""),))
    members = ["m1", "m2", "m3"]
    sheets = [Sheet(m, "a", passing(), {"dur": D(30)}) for m in members] + [
        Sheet(m, "b", passing(), {"dur": D(-20)}) for m in members
    ]
    outcomes = stage_outcomes(plan, "whole", ["a", "b"], members, sheets)
    ranked = rank(plan, {"a": D(1000), "b": D(1040)}, {k: o.points for k, o in outcomes.items()})
    assert [(r.bid_id, r.evaluated_price) for r in ranked] == [("b", D("1020.00")), ("a", D("1030.00"))]


def test_rejection_needs_a_majority_and_keeps_every_reason() -> None:
    plan = comprehensive()
    members = ["m1", "m2", "m3"]
    fail = passing() | {"qualification": {"passed": False, "reason": "资质不符"}}
    one = [Sheet("m1", "a", fail, {"tech": D(1), "biz": D(1)})] + [
        Sheet(m, "a", passing(), {"tech": D(1), "biz": D(1)}) for m in ("m2", "m3")
    ]
    assert not stage_outcomes(plan, "whole", ["a"], members, one)["a"].rejected
    two = [Sheet(m, "a", fail, {"tech": D(1), "biz": D(1)}) for m in ("m1", "m2")] + [one[-1]]
    outcome = stage_outcomes(plan, "whole", ["a"], members, two)["a"]
    assert outcome.rejected and outcome.reasons == ("qualification: 资质不符 (条例51)",)
    assert not technical_passes(plan, outcome)


def test_checklist_demands_every_item_and_a_reason_for_each_failure() -> None:
    assert len(ITEMS) == 7 and {i.code for i in items_for("price")} == {"price"}
    with pytest.raises(ValidationFailed) as missing:
        check_answers("whole", {"signature": {"passed": True}})
    assert missing.value.citation == "条例51"
    with pytest.raises(ValidationFailed) as no_reason:
        check_answers("whole", passing() | {"price": {"passed": False, "reason": "  "}})
    assert "reason" in no_reason.value.message
    with pytest.raises(ValidationFailed):
        check_answers("price", passing("whole"))


def test_arithmetic_correction_words_over_figures_and_unit_price_over_total() -> None:
    words = correct(D("1250.50"), "壹仟贰佰伍拾元整")
    assert words.corrected == D("1250.00") and words.changed
    assert not correct(D("1250.00"), "壹仟贰佰伍拾元整").changed
    bill = [BillLine("土方", D(10), D("12.00"), D("150.00")), BillLine("钢筋", D(2), D("50.00"), D("100.00"))]
    unit_wins = correct(D("250.00"), None, bill)
    assert unit_wins.corrected == D("220.00") and "prevails" in unit_wins.reasons[0]
    misplaced = [BillLine("混凝土", D(10), D("1.20"), D("120.00")), BillLine("钢筋", D(2), D("50.00"), D("100.00"))]
    kept = correct(D("220.00"), None, misplaced)
    assert kept.corrected == D("220.00") and "decimal-point" in kept.reasons[0]


def test_signals_are_flags_not_verdicts() -> None:
    bids = [
        BidSignals("a", D(100), {"machine_id_hash": "m1", "creation_tool": "zc/1"}, ("h1", "h2"), "PM1"),
        BidSignals("b", D(100), {"machine_id_hash": "m1", "creation_tool": "zc/1"}, ("h3",), "PM2"),
        BidSignals("c", D(120), {"machine_id_hash": "m2", "creation_tool": "zc/1"}, ("h1",), "PM2"),
    ]
    flags = {(f.kind, f.bid_ids) for f in flags_for(bids, {"6222": ("a", "c")})}
    assert flags == {
        ("same_machine_id_hash", ("a", "b")),
        ("same_file", ("a", "c")),
        ("identical_price", ("a", "b")),
        ("same_project_manager", ("b", "c")),
        ("same_bond_account", ("a", "c")),
    }  # the creation tool all three share is a public tool: not flagged
    assert all(f.note.startswith("a flag") for f in flags_for(bids))


def test_state_table() -> None:
    assert step(State.SCORING, Event.CONCLUDE_TECHNICAL) is State.AWAITING_PRICES
    assert step(State.SIGNING, Event.CLOSE_REJECTED) is State.FAILED
    with pytest.raises(Conflict) as refused:
        step(State.CLOSED, Event.DRAFT_REPORT)
    assert refused.value.code == "evaluation_state"
    assert ("signing", "close_report", "closed") in table()


def test_correction_stays_exact_for_the_largest_accepted_inputs() -> None:
    big = D("999999999999999.9999")
    result = correct(D("1.00"), None, [BillLine("巨量", big, big, D("1.00"))])
    assert result.changed
    assert result.corrected == D("999999999999999999800000000000.00")  # (10^15 - 10^-4)², to the fen, exactly
