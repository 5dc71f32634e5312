"""Choosing the winner from the ranked candidates (条例55, 56). Pure.

A state-controlled project that must be tendered awards the first-ranked candidate; it goes down the list only when
a candidate ranked higher gave up, cannot perform, did not furnish the performance bond, or was found not to qualify
(the committee's re-check, 条例56) — each recorded with its reason. Other projects may also choose another candidate
(the tenderer's choice among the recommended candidates), but never without a recorded reason for every candidate
ranked above the one chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from zhaocai.award.model.citations import FIRST_RANKED, RECHECK
from zhaocai.core.errors import Conflict, ValidationFailed


class PassOverReason(StrEnum):
    GAVE_UP = "gave_up"  # 放弃中标
    CANNOT_PERFORM = "cannot_perform"  # 因不可抗力不能履行合同
    NO_PERFORMANCE_BOND = "no_performance_bond"  # 不按照招标文件要求提交履约保证金
    DISQUALIFIED = "disqualified"  # 被查实存在影响中标结果的违法行为; failed the 条例56 re-check
    TENDERER_CHOICE = "tenderer_choice"  # not state-controlled: the tenderer's choice among the candidates


STATE_CONTROLLED_GROUNDS = frozenset(PassOverReason) - {PassOverReason.TENDERER_CHOICE}
CITATION_OF = {PassOverReason.DISQUALIFIED: f"{FIRST_RANKED}; {RECHECK}"}


@dataclass(frozen=True)
class PassedOver:
    bid_id: str
    reason: PassOverReason
    explanation: str
    rank: int = 0  # filled in from the report

    def to_json(self) -> dict[str, Any]:
        return {"bid_id": self.bid_id, "rank": self.rank, "reason": self.reason.value, "explanation": self.explanation}


def choose(
    ranked: Sequence[tuple[int, str]],
    bid_id: str,
    passed_over: Sequence[PassedOver],
    *,
    first_ranked_rule: bool,
) -> tuple[int, tuple[PassedOver, ...]]:
    """Check the choice of `bid_id` among `ranked` (rank, bid id) candidates; return its rank and the candidates
    passed over (rank filled in, in rank order). `first_ranked_rule`: 条例55 binds the tender."""
    if not ranked:
        raise Conflict(
            "the evaluation report recommends no candidate (all bids were rejected): re-tender (评标规定27; 法42)",
            field="bid_id",
            code="no_candidates",
        )
    rank_of = dict((bid, rank) for rank, bid in ranked)
    if bid_id not in rank_of:
        raise ValidationFailed(
            f"bid {bid_id} is not one of the candidates the evaluation report recommends",
            field="bid_id",
            citation=FIRST_RANKED,
            code="not_a_candidate",
        )
    chosen_rank = rank_of[bid_id]
    given = {item.bid_id: item for item in passed_over}
    if len(given) != len(passed_over):
        raise ValidationFailed("a candidate is passed over twice", field="passed_over", code="duplicate")
    above = [(rank, bid) for rank, bid in sorted(ranked) if rank < chosen_rank]
    extra = set(given) - {bid for _, bid in above}
    if extra:
        raise ValidationFailed(
            f"only candidates ranked above the one chosen can be passed over; not {', '.join(sorted(extra))}",
            field="passed_over",
            code="not_ranked_above",
        )
    recorded: list[PassedOver] = []
    for rank, bid in above:
        item = given.get(bid)
        if item is None or not item.explanation.strip():
            raise ValidationFailed(
                f"the award goes to the candidate ranked {chosen_rank}: the reason the candidate ranked {rank} "
                f"(bid {bid}) is passed over must be recorded (条例55)",
                field="passed_over",
                citation=FIRST_RANKED,
                code="reason_required",
            )
        if first_ranked_rule and item.reason not in STATE_CONTROLLED_GROUNDS:
            raise ValidationFailed(
                "a project controlled by state funds (国有资金占控股或者主导地位) must award the first-ranked "
                f"candidate; rank {rank} may be passed over only if it gave up, cannot perform, did not furnish the "
                "performance bond or was found not to qualify (条例55, 56)",
                field="passed_over",
                citation=FIRST_RANKED,
                code="first_ranked_required",
            )
        recorded.append(PassedOver(bid, item.reason, item.explanation.strip(), rank))
    return chosen_rank, tuple(recorded)
