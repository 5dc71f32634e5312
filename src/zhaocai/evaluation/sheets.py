"""Each member scores each bid independently online (one sheet per member per bid per stage); the chair concludes
the technical stage of a two-envelope lot."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, NotFound, ValidationFailed
from zhaocai.evaluation import repository
from zhaocai.evaluation.access import active_members, committee_of, replaced_members, require_chair, require_member
from zhaocai.evaluation.checklist import CITATION as REJECTION_CITATION
from zhaocai.evaluation.checklist import check_answers
from zhaocai.evaluation.machine import Event, State, step
from zhaocai.evaluation.plan import EvaluationPlan
from zhaocai.evaluation.repository import Evaluation
from zhaocai.evaluation.scoring import missing_sheets, stage_outcomes, technical_passes
from zhaocai.evaluation.start import lot_items, refresh_prices
from zhaocai.exchange.outbox import emit
from zhaocai.tendering.queries import bidding_terms
from zhaocai.usecase import use_case

TECHNICAL_RESULT = "EVALUATION_TECHNICAL_RESULT"
REPLACED_REASON = "the member was replaced (条例48): this work is void and is redone by the replacement"


def working(uow: UnitOfWork, lot_id: str) -> tuple[Evaluation, Any, EvaluationPlan]:
    """The lot's evaluation locked for this transaction, with replaced members' work voided and the prices of a
    closed second opening taken in."""
    evaluation = repository.load_evaluation(uow.conn, lot_id, for_update=True)
    if evaluation is None:
        raise NotFound("the evaluation of this lot has not started", field="lot_id", code="not_started")
    committee = committee_of(uow.conn, lot_id)
    repository.void_sheets(uow.conn, lot_id, {m.member_id for m in replaced_members(committee)}, REPLACED_REASON)
    refresh_prices(uow, evaluation)
    plan = repository.load_plan(uow.conn, lot_id)
    assert plan is not None
    return evaluation, committee, plan


def check_scores(plan: EvaluationPlan, stage: str, scores: dict[str, Any]) -> dict[str, Decimal]:
    criteria = plan.criteria_for(stage)
    expected = {c.id for c in criteria}
    unknown = sorted(set(scores) - expected)
    if unknown:
        raise ValidationFailed(
            f"criteria {', '.join(unknown)} are not scored in the {stage} stage", field="scores", citation="条例49"
        )
    missing = sorted(expected - set(scores))
    if missing:
        raise ValidationFailed(f"every criterion must be scored; missing: {', '.join(missing)}", field="scores")
    checked: dict[str, Decimal] = {}
    for criterion in criteria:
        try:
            value = Decimal(str(scores[criterion.id]))
        except InvalidOperation as exc:
            raise ValidationFailed(f"score {criterion.id} is not a number", field=f"scores.{criterion.id}") from exc
        if not value.is_finite() or not criterion.min <= value <= criterion.max:
            raise ValidationFailed(
                f"score {value} for {criterion.name} ({criterion.id}) is outside the criterion's range "
                f"{criterion.min}..{criterion.max} set in the tender documents",
                field=f"scores.{criterion.id}",
                code="score_out_of_range",
                citation="条例49",
            )
        checked[criterion.id] = value
    return checked


@use_case("evaluation.submit_sheet", object_type="lot")
def do_submit_sheet(
    *,
    uow: UnitOfWork,
    actor: Actor,
    lot_id: str,
    bid_id: str,
    checklist: dict[str, dict],
    scores: dict[str, Any],
    comment: str | None = None,
) -> str:
    """A member's sheet for one bid in the current stage: every 条例51 check answered (reasons for failures) and
    every criterion of the stage scored within its range. Final once submitted."""
    member = require_member(uow.conn, actor, lot_id, action="score bids")
    evaluation, _, plan = working(uow, lot_id)
    if evaluation.state != State.SCORING.value:
        raise Conflict(f"the evaluation is {evaluation.state}: no sheets now", field="lot_id", code="not_scoring")
    entry = evaluation.bid(bid_id)
    if entry not in evaluation.competing():
        raise Conflict(
            f"bid {bid_id} is not evaluated in this stage: {entry.excluded or 'it did not pass the technical stage'}",
            field="bid_id",
            code="bid_excluded",
            citation=entry.excluded_citation,
        )
    stored = check_answers(evaluation.stage, checklist)
    checked = check_scores(plan, evaluation.stage, scores)
    return repository.insert_sheet(
        uow.conn,
        lot_id=lot_id,
        stage=evaluation.stage,
        member_id=member.member_id,
        user_id=actor.user_id or "",
        bid_id=bid_id,
        checklist=stored,
        scores=checked,
        comment=comment,
        at=uow.clock.now(),
    )


def require_complete(evaluation: Evaluation, committee: Any, sheets: list[Any]) -> list[str]:
    members = [m.member_id for m in active_members(committee)]
    bids = [b.bid_id for b in evaluation.competing()]
    missing = missing_sheets(bids, members, sheets)
    if missing:
        raise Conflict(
            f"{len(missing)} sheets are still missing in the {evaluation.stage} stage (every active member scores "
            "every bid)",
            field="lot_id",
            code="sheets_missing",
            detail={"missing": [{"member_id": m, "bid_id": b} for m, b in missing]},
        )
    return members


def apply_rejections(evaluation: Evaluation, outcomes: dict[str, Any], stage: str) -> None:
    for bid_id, outcome in outcomes.items():
        if outcome.rejected:
            entry = evaluation.bid(bid_id)
            entry.excluded = f"rejected (否决投标) in the {stage} stage: " + "; ".join(outcome.reasons)
            entry.excluded_citation = REJECTION_CITATION


@use_case("evaluation.conclude_technical", object_type="lot")
def do_conclude_technical(*, uow: UnitOfWork, actor: Actor, lot_id: str) -> frozenset[str]:
    """Close the technical stage of a two-envelope lot: the bids that passed have their price sections opened."""
    evaluation, committee, plan = working(uow, lot_id)
    require_chair(uow.conn, actor, lot_id, evaluation.chair_member_id, action="conclude the technical evaluation")
    if evaluation.stage != "technical":
        raise Conflict("this lot has no technical stage to conclude", field="lot_id", code="evaluation_state")
    sheets = [s.as_sheet() for s in repository.sheets_of(uow.conn, lot_id, stage="technical")]
    members = require_complete(evaluation, committee, sheets)
    competing = [b.bid_id for b in evaluation.competing()]
    outcomes = stage_outcomes(plan, "technical", competing, members, sheets)
    apply_rejections(evaluation, outcomes, "technical")
    for bid_id, outcome in outcomes.items():
        if not outcome.rejected and not technical_passes(plan, outcome):
            entry = evaluation.bid(bid_id)
            entry.excluded = (
                f"technical score {outcome.points} is below the pass score {plan.technical_pass_score} set in the "
                "tender documents"
            )
            entry.excluded_citation = "条例49"
    passed = frozenset(b for b, o in outcomes.items() if technical_passes(plan, o))
    evaluation.technical_passed = passed
    evaluation.state = step(State(evaluation.state), Event.CONCLUDE_TECHNICAL).value
    repository.save_evaluation(uow.conn, evaluation)
    terms = bidding_terms(uow.conn, lot_id)
    emit(
        uow,
        TECHNICAL_RESULT,
        lot_items(terms) | {"PASSED_BID_COUNT": len(passed)},
        object_type="lot",
        object_id=lot_id,
    )
    return passed
