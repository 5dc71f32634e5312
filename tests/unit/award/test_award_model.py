"""The award domain's pure rules: the choice of the winner (条例55), the contract's terms (条例57, 58), deposit
interest (条例57), the publicity's period (条例54), and the stage table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from zhaocai.award.model import (
    ContractTerms,
    PassedOver,
    PassOverReason,
    WinningBid,
    check_period,
    check_terms,
    choose,
    deposit_interest,
    timing,
)
from zhaocai.award.model.progress import TABLE, Act, Stage, allow
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.rules import packaged_rules

RANKED = [(1, "A"), (2, "B"), (3, "C")]
ON = date(2026, 3, 2)


def rule(key: str):  # type: ignore[no-untyped-def]
    return packaged_rules().get(key, ON)


def test_the_first_ranked_needs_no_reason():
    assert choose(RANKED, "A", [], first_ranked_rule=True) == (1, ())


@pytest.mark.parametrize("first_ranked_rule", [True, False])
def test_a_lower_candidate_needs_a_reason_for_each_one_above(first_ranked_rule):
    with pytest.raises(ValidationFailed) as caught:
        choose(RANKED, "C", [PassedOver("A", PassOverReason.GAVE_UP, "放弃")], first_ranked_rule=first_ranked_rule)
    assert (caught.value.code, caught.value.citation) == ("reason_required", "条例55")
    rank, skipped = choose(
        RANKED,
        "C",
        [PassedOver("B", PassOverReason.DISQUALIFIED, "复核不合格"), PassedOver("A", PassOverReason.GAVE_UP, "放弃")],
        first_ranked_rule=first_ranked_rule,
    )
    assert rank == 3 and [(p.rank, p.bid_id) for p in skipped] == [(1, "A"), (2, "B")]


def test_state_controlled_projects_cannot_pass_over_by_choice():
    choice = [PassedOver("A", PassOverReason.TENDERER_CHOICE, "更优")]
    with pytest.raises(ValidationFailed) as caught:
        choose(RANKED, "B", choice, first_ranked_rule=True)
    assert caught.value.code == "first_ranked_required"
    assert choose(RANKED, "B", choice, first_ranked_rule=False)[0] == 2


def test_only_candidates_can_win_and_only_those_above_are_passed_over():
    with pytest.raises(ValidationFailed, match="not one of the candidates"):
        choose(RANKED, "Z", [], first_ranked_rule=False)
    with pytest.raises(ValidationFailed) as caught:
        choose(RANKED, "A", [PassedOver("B", PassOverReason.GAVE_UP, "x")], first_ranked_rule=False)
    assert caught.value.code == "not_ranked_above"
    with pytest.raises(Conflict):
        choose([], "A", [], first_ranked_rule=False)


BID = WinningBid(Decimal("9500000.00"), 360, "合格", "王工")
TERMS = ContractTerms(Decimal("9500000.00"), Decimal("950000.00"), 360, "合格", "王工", "条款")


def test_the_contract_matches_the_winning_bid():
    check_terms(TERMS, BID, rule("performance_bond_max_ratio"))
    for field, value in [("price", Decimal("9500000.01")), ("duration_days", 300), ("quality", "优良")]:
        with pytest.raises(ValidationFailed) as caught:
            check_terms(TERMS.__class__(**TERMS.__dict__ | {field: value}), BID, rule("performance_bond_max_ratio"))
        assert (caught.value.field, caught.value.citation) == (field, "条例57")


def test_the_performance_bond_is_at_most_ten_percent():
    over = ContractTerms(**TERMS.__dict__ | {"performance_bond": Decimal("950000.01")})
    with pytest.raises(ValidationFailed) as caught:
        check_terms(over, BID, rule("performance_bond_max_ratio"))
    assert (caught.value.field, caught.value.citation) == ("performance_bond", "条例58")


def test_deposit_interest_counts_the_first_day_not_the_last():
    assert deposit_interest(Decimal("200000.00"), Decimal("0.0035"), date(2026, 3, 2), date(2026, 4, 1)) == (
        30,
        Decimal("58.33"),
    )
    assert deposit_interest(Decimal("200000.00"), Decimal("0.0035"), date(2026, 3, 2), date(2026, 3, 2))[1] == 0
    with pytest.raises(ValueError):
        deposit_interest(Decimal("1"), Decimal("-0.01"), ON, ON)


def test_the_publicity_lasts_at_least_three_days_and_is_due_three_days_after_the_report():
    published = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 Asia/Shanghai, Monday
    with pytest.raises(ValidationFailed) as caught:
        check_period(published, published + timedelta(days=2), rule("candidate_publicity_min_days"))
    assert caught.value.citation == "条例54"
    check_period(published, datetime(2026, 3, 5, 16, 0, tzinfo=UTC), rule("candidate_publicity_min_days"))
    check_period(published, published + timedelta(hours=1), None)  # not governed: any positive period
    on_time = timing(published, published + timedelta(days=3), rule("candidate_publicity_start_days"))
    assert not on_time.late and on_time.start_due_at is not None
    assert timing(published, published + timedelta(days=4), rule("candidate_publicity_start_days")).late


def test_the_stage_table_refuses_acts_out_of_order():
    assert allow(Stage.REPORTED, Act.PUBLISH) is Stage.PUBLICISED
    with pytest.raises(Conflict) as caught:
        allow(Stage.REPORTED, Act.DRAFT_CONTRACT)
    assert caught.value.detail == {"stage": "reported", "act": "draft_contract"}
    assert all(after in Stage for after in TABLE.values())
