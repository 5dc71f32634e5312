"""The evaluation plan of a lot (评标办法): the method, its criteria and the price formula, set by the tenderer with
the tender documents and frozen at the bid deadline (条例49: only the standards and method in the tender documents
may be used). Pure: no I/O.

- 经评审的最低投标价法 (`lowest_evaluated_price`, 评标规定30–33): each criterion is a price adjustment in yuan
  (评审因素折算为货币) that each member sets between the criterion's `min` and `max`; the evaluated price is the
  (corrected) bid price plus the members' mean adjustment of every criterion; the lowest evaluated price ranks first.
- 综合评估法 (`comprehensive`, 评标规定34–37): each criterion is scored by each member between `min` and `max`
  points; the price score is computed, not scored: `min(benchmark / price, 1) × price_points`, where the benchmark
  (评标基准价) is the lowest valid price (`lowest_valid`) or the arithmetic mean of the valid prices
  (`average_valid`) — "valid" meaning not rejected and not above the ceiling. The criteria's maxima plus
  `price_points` make 100. The highest total ranks first.

In a two-envelope lot a criterion belongs to the `technical` or the `price` envelope and is scored in that stage;
in a one-envelope lot every criterion is scored in the single stage `whole`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhaocai.core.errors import ValidationFailed

METHODS = ("lowest_evaluated_price", "comprehensive")
BENCHMARKS = ("lowest_valid", "average_valid")
ENVELOPES = ("technical", "price")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    envelope: str  # technical | price
    min: Decimal
    max: Decimal
    rule: str  # how to score it, in the tender documents' words (评分标准)


@dataclass(frozen=True)
class EvaluationPlan:
    method: str
    committee_size: int
    criteria: tuple[Criterion, ...]
    price_points: Decimal | None = None  # comprehensive only
    price_benchmark: str | None = None  # comprehensive only: lowest_valid | average_valid
    technical_pass_score: Decimal | None = None  # two-envelope comprehensive: technical points needed to pass
    ceiling_price: Decimal | None = None  # 最高投标限价 (disclosed, 条例27); a price above it is rejected (条例51)
    required_declarations: tuple[str, ...] = ()

    def criteria_for(self, stage: str) -> tuple[Criterion, ...]:
        if stage == "whole":
            return self.criteria
        return tuple(c for c in self.criteria if c.envelope == stage)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def to_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "method": self.method,
            "committee_size": self.committee_size,
            "criteria": [
                {
                    "id": c.id,
                    "name": c.name,
                    "envelope": c.envelope,
                    "min": str(c.min),
                    "max": str(c.max),
                    "rule": c.rule,
                }
                for c in self.criteria
            ],
            "price_points": text(self.price_points),
            "price_benchmark": self.price_benchmark,
            "technical_pass_score": text(self.technical_pass_score),
            "ceiling_price": text(self.ceiling_price),
            "required_declarations": list(self.required_declarations),
        }


def plan_from_json(data: dict[str, Any]) -> EvaluationPlan:
    def dec(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return EvaluationPlan(
        method=data["method"],
        committee_size=int(data["committee_size"]),
        criteria=tuple(
            Criterion(
                id=c["id"],
                name=c["name"],
                envelope=c.get("envelope", "technical"),
                min=Decimal(str(c["min"])),
                max=Decimal(str(c["max"])),
                rule=c.get("rule", ""),
            )
            for c in data["criteria"]
        ),
        price_points=dec(data.get("price_points")),
        price_benchmark=data.get("price_benchmark"),
        technical_pass_score=dec(data.get("technical_pass_score")),
        ceiling_price=dec(data.get("ceiling_price")),
        required_declarations=tuple(data.get("required_declarations") or ()),
    )


def check_plan(plan: EvaluationPlan, *, two_envelope: bool) -> None:
    """Refuse a plan that cannot be applied as written; the field named is the plan's."""
    if plan.method not in METHODS:
        raise ValidationFailed(f"method must be one of {', '.join(METHODS)}", field="method")
    ids = [c.id for c in plan.criteria]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("criterion ids must be unique", field="criteria")
    for c in plan.criteria:
        if c.envelope not in ENVELOPES:
            raise ValidationFailed(f"criterion {c.id}: envelope must be technical or price", field="criteria")
        if c.min > c.max:
            raise ValidationFailed(f"criterion {c.id}: min must not exceed max", field="criteria")
    if plan.ceiling_price is not None and plan.ceiling_price <= 0:
        raise ValidationFailed("the ceiling price (最高投标限价) must be greater than zero", field="ceiling_price")
    if plan.method == "comprehensive":
        _check_comprehensive(plan, two_envelope=two_envelope)
    else:
        if plan.price_points is not None or plan.price_benchmark is not None or plan.technical_pass_score is not None:
            raise ValidationFailed(
                "price_points, price_benchmark and technical_pass_score belong to the comprehensive method "
                "(综合评估法)",
                field="method",
            )


def _check_comprehensive(plan: EvaluationPlan, *, two_envelope: bool) -> None:
    if plan.price_points is None or plan.price_points <= 0:
        raise ValidationFailed("the comprehensive method needs price_points greater than zero", field="price_points")
    if plan.price_benchmark not in BENCHMARKS:
        raise ValidationFailed(
            f"price_benchmark must be one of {', '.join(BENCHMARKS)} (评标基准价: the lowest valid price, or the mean "
            "of the valid prices)",
            field="price_benchmark",
        )
    for c in plan.criteria:
        if c.min < 0:
            raise ValidationFailed(f"criterion {c.id}: a score cannot be below 0", field="criteria")
    total = sum((c.max for c in plan.criteria), Decimal(0)) + plan.price_points
    if total != HUNDRED:
        raise ValidationFailed(
            f"the criteria's maxima plus price_points must make 100 (they make {total})", field="criteria"
        )
    if plan.technical_pass_score is not None:
        if not two_envelope:
            raise ValidationFailed(
                "technical_pass_score applies to two-envelope lots only", field="technical_pass_score"
            )
        technical_max = sum((c.max for c in plan.criteria if c.envelope == "technical"), Decimal(0))
        if not 0 <= plan.technical_pass_score <= technical_max:
            raise ValidationFailed(
                f"technical_pass_score must be between 0 and the technical maximum {technical_max}",
                field="technical_pass_score",
            )
