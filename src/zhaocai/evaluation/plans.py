"""Setting a lot's evaluation plan (评标办法) with the tender documents; frozen at the bid deadline."""

from __future__ import annotations

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.evaluation import repository
from zhaocai.evaluation.access import require_tender_side
from zhaocai.evaluation.plan import EvaluationPlan, check_plan
from zhaocai.rules import packaged_rules
from zhaocai.tendering.model import book_for
from zhaocai.tendering.queries import bidding_terms
from zhaocai.usecase import use_case

FROZEN_CITATION = "法23; 条例21; 条例49"


@use_case("evaluation.set_plan", object_type="lot")
def do_set_evaluation_plan(*, uow: UnitOfWork, actor: Actor, lot_id: str, plan: EvaluationPlan) -> int:
    """Set (or replace, before the deadline) the lot's evaluation plan; returns its revision."""
    conn = uow.conn
    terms = bidding_terms(conn, lot_id)
    tender = require_tender_side(uow, actor, terms.tender_id, action="set the evaluation plan")
    now = uow.clock.now()
    if terms.bid_deadline is not None and now >= terms.bid_deadline:
        raise Conflict(
            "the evaluation standards and method are those of the tender documents, frozen at the bid deadline: "
            "they cannot be changed after it (only they may be used, 条例49; changes go out as clarifications "
            "before the deadline, 法23 / 条例21)",
            field="plan",
            code="plan_frozen",
            citation=FROZEN_CITATION,
        )
    check_plan(plan, two_envelope=terms.two_envelope)
    if tender.price_ceiling is not None and plan.ceiling_price not in (None, tender.price_ceiling):
        raise ValidationFailed(
            f"the ceiling price must be the one the tender documents publish ({tender.price_ceiling}, 条例27)",
            field="ceiling_price",
            citation="条例27",
        )
    book = book_for(tender, packaged_rules(), at=now)
    check_committee_size(book, plan.committee_size)
    return repository.save_plan(conn, lot_id=lot_id, tender_id=terms.tender_id, plan=plan, at=now, by=actor.user_id)


def check_committee_size(book, size: int) -> None:  # type: ignore[no-untyped-def]
    minimum = book.governing("evaluation_committee_min_members")
    if minimum is not None and size < minimum.value:
        raise ValidationFailed(minimum.statement(), field="committee_size", citation=minimum.citation)
    odd = book.governing("evaluation_committee_odd_size")
    if odd is not None and odd.value and size % 2 == 0:
        raise ValidationFailed(odd.statement(), field="committee_size", citation=odd.citation)
    if size < 1:
        raise ValidationFailed("the committee needs members", field="committee_size")
