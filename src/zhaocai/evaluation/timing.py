"""Evaluation time (条例48): when more than the rule's share of the members say the time is too short, the tenderer
must extend it. Tracked: the need is recorded when it arises; the report cannot close until the tenderer extended."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.evaluation import repository
from zhaocai.evaluation.access import active_members, require_member, require_tender_side
from zhaocai.evaluation.sheets import working
from zhaocai.rules import packaged_rules
from zhaocai.tendering.model import book_for
from zhaocai.tendering.queries import load_aggregate
from zhaocai.usecase import use_case

RULE = "evaluation_time_extension_member_ratio"


def extension_needed(claims: int, members: int, ratio: Fraction) -> bool:
    return members > 0 and Fraction(claims, members) > ratio


@use_case("evaluation.claim_time_short", object_type="lot")
def do_claim_time_short(*, uow: UnitOfWork, actor: Actor, lot_id: str, reason: str) -> bool:
    """A member says the evaluation time is too short; returns whether the tenderer must now extend it."""
    member = require_member(uow.conn, actor, lot_id, action="say the evaluation time is short")
    evaluation, committee, _ = working(uow, lot_id)
    if evaluation.state in ("closed", "failed"):
        raise Conflict("the evaluation is over", field="lot_id", code="evaluation_state")
    if not reason.strip():
        raise ValidationFailed("say why the time is short", field="reason")
    now = uow.clock.now()
    repository.insert_time_claim(uow.conn, lot_id=lot_id, member_id=member.member_id, reason=reason.strip(), at=now)
    active = {m.member_id for m in active_members(committee)}
    claims = sum(1 for c in repository.time_claims(uow.conn, lot_id) if c.member_id in active)
    tender = load_aggregate(uow.conn, evaluation.tender_id)
    rule = book_for(tender, packaged_rules(), at=now).rule(RULE)
    if extension_needed(claims, len(active), rule.value) and evaluation.extension_required_at is None:
        evaluation.extension_required_at = now
        repository.save_evaluation(uow.conn, evaluation)
    return evaluation.extension_required_at is not None and evaluation.extended_until is None


@use_case("evaluation.extend_time", object_type="lot")
def do_extend_evaluation(*, uow: UnitOfWork, actor: Actor, lot_id: str, until: datetime) -> None:
    evaluation, _, _ = working(uow, lot_id)
    require_tender_side(uow, actor, evaluation.tender_id, action="extend the evaluation time")
    if until.tzinfo is None or until <= uow.clock.now():
        raise ValidationFailed("the extended end must be a moment in the future, with its time zone", field="until")
    evaluation.extended_until = until
    repository.save_evaluation(uow.conn, evaluation)


def require_extension_settled(evaluation: repository.Evaluation) -> None:
    if evaluation.extension_required_at is not None and evaluation.extended_until is None:
        raise Conflict(
            "more than a third of the members said the evaluation time is too short: the tenderer must extend it "
            "before the report can close (条例48)",
            field="lot_id",
            code="extension_required",
            citation="条例48",
        )
