"""From the members' sheets to the committee's result: rejections, mean scores, the price score and the ranking.
Pure.

- A bid is rejected (否决) in a stage when more than half of the active members failed it on some checklist item
  (the committee decides by majority, 评标规定 — every failing member's reasons are kept), or automatically when its
  price is above the ceiling (最高投标限价, 条例51(5)).
- A criterion's committee score is the mean of the active members' scores, rounded half up to 0.01.
- Ties: lowest-evaluated-price ranks the lower bid price first; comprehensive the lower bid price first; then the
  bid id, so that the order never depends on storage order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from zhaocai.evaluation.checklist import CITATION as REJECTION_CITATION
from zhaocai.evaluation.checklist import failed_items
from zhaocai.evaluation.plan import EvaluationPlan

CENT = Decimal("0.01")


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Sheet:
    member_id: str
    bid_id: str
    checklist: dict[str, dict]
    scores: dict[str, Decimal]


@dataclass(frozen=True)
class StageOutcome:
    bid_id: str
    rejected: bool
    reasons: tuple[str, ...]
    means: dict[str, Decimal] = field(default_factory=dict)

    @property
    def points(self) -> Decimal:
        return sum(self.means.values(), Decimal(0))


@dataclass(frozen=True)
class Ranked:
    bid_id: str
    price: Decimal
    evaluated_price: Decimal | None
    price_score: Decimal | None
    score: Decimal | None


def missing_sheets(bid_ids: Iterable[str], member_ids: Iterable[str], sheets: Iterable[Sheet]) -> list[tuple]:
    """(member, bid) pairs still without a sheet."""
    have = {(s.member_id, s.bid_id) for s in sheets}
    return [(m, b) for m in sorted(member_ids) for b in sorted(bid_ids) if (m, b) not in have]


def stage_outcomes(
    plan: EvaluationPlan, stage: str, bid_ids: Sequence[str], member_ids: Sequence[str], sheets: Sequence[Sheet]
) -> dict[str, StageOutcome]:
    members = set(member_ids)
    criteria = plan.criteria_for(stage)
    outcomes: dict[str, StageOutcome] = {}
    for bid_id in bid_ids:
        mine = [s for s in sheets if s.bid_id == bid_id and s.member_id in members]
        failing = [s for s in mine if failed_items(s.checklist)]
        reasons = tuple(
            sorted(
                {
                    f"{code}: {reason} ({REJECTION_CITATION})"
                    for s in failing
                    for code, reason in failed_items(s.checklist)
                }
            )
        )
        means = {
            c.id: r2(sum((s.scores[c.id] for s in mine), Decimal(0)) / len(mine)) if mine else Decimal(0)
            for c in criteria
        }
        outcomes[bid_id] = StageOutcome(bid_id, len(failing) * 2 > len(members), reasons if failing else (), means)
    return outcomes


def above_ceiling(plan: EvaluationPlan, price: Decimal | None) -> bool:
    return plan.ceiling_price is not None and price is not None and price > plan.ceiling_price


def technical_passes(plan: EvaluationPlan, outcome: StageOutcome) -> bool:
    if outcome.rejected:
        return False
    return plan.technical_pass_score is None or outcome.points >= plan.technical_pass_score


def rank(plan: EvaluationPlan, prices: dict[str, Decimal], points: dict[str, Decimal]) -> list[Ranked]:
    """Rank the valid bids (`prices`: corrected price of every bid still valid; `points`: each one's committee
    points over all criteria — score points, or the yuan adjustment for the lowest-evaluated-price method)."""
    if plan.method == "lowest_evaluated_price":
        ranked = [Ranked(b, p, r2(p + points.get(b, Decimal(0))), None, None) for b, p in prices.items()]
        return sorted(ranked, key=lambda r: (r.evaluated_price, r.price, r.bid_id))
    benchmark = price_benchmark(plan, list(prices.values()))
    ranked = []
    for bid_id, price in prices.items():
        price_score = r2(min(benchmark / price, Decimal(1)) * (plan.price_points or Decimal(0)))
        ranked.append(Ranked(bid_id, price, None, price_score, r2(points.get(bid_id, Decimal(0)) + price_score)))
    return sorted(ranked, key=lambda r: (-(r.score or Decimal(0)), r.price, r.bid_id))


def price_benchmark(plan: EvaluationPlan, prices: list[Decimal]) -> Decimal:
    if not prices:
        return Decimal(0)
    if plan.price_benchmark == "average_valid":
        return sum(prices, Decimal(0)) / len(prices)
    return min(prices)
