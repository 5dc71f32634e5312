"""Clarifications during evaluation (澄清, 条例52) through the platform, and arithmetic-error corrections
(评标规定19) that the bidder confirms by answering one.

A clarification may not go beyond the bid or change its substance (条例52): the committee asks in writing, the
bidder answers in writing, both are kept. A price correction binds only once the bidder accepts it; a bidder that
refuses it is rejected (评标规定19).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.evaluation import repository
from zhaocai.evaluation.access import require_member
from zhaocai.evaluation.correction import CITATION as CORRECTION_CITATION
from zhaocai.evaluation.correction import BillLine, correct
from zhaocai.evaluation.machine import State
from zhaocai.evaluation.sheets import working
from zhaocai.tendering.access import require_bidder
from zhaocai.usecase import use_case

CLARIFICATION_CITATION = "条例52"
OPEN_STATES = (State.SCORING.value, State.AWAITING_PRICES.value)


def _open(evaluation: repository.Evaluation) -> None:
    if evaluation.state not in OPEN_STATES:
        raise Conflict(
            f"the evaluation is {evaluation.state}: clarifications are asked and answered while it runs",
            field="lot_id",
            code="not_scoring",
        )


@use_case("evaluation.request_clarification", object_type="lot")
def do_request_clarification(*, uow: UnitOfWork, actor: Actor, lot_id: str, bid_id: str, question: str) -> str:
    member = require_member(uow.conn, actor, lot_id, action="ask a bidder for a clarification")
    evaluation, _, _ = working(uow, lot_id)
    _open(evaluation)
    entry = evaluation.bid(bid_id)
    if not question.strip():
        raise ValidationFailed("the question is empty", field="question")
    return repository.insert_clarification(
        uow.conn,
        lot_id=lot_id,
        bid_id=bid_id,
        bidder_org_id=entry.bidder_org_id,
        kind="question",
        question=question.strip(),
        asked_by_member_id=member.member_id,
        asked_at=uow.clock.now(),
    )


@use_case("evaluation.correct_price", object_type="lot")
def do_correct_price(
    *, uow: UnitOfWork, actor: Actor, lot_id: str, bid_id: str, bill: Sequence[BillLine] = ()
) -> str | None:
    """Apply the arithmetic-error rules to the bid's opened price (figures and words) and, if given, the priced
    bill lines a member read from the bid; when the price changes, ask the bidder to confirm the corrected price.
    Returns the clarification id, or None when nothing needed correcting."""
    member = require_member(uow.conn, actor, lot_id, action="correct arithmetic errors")
    evaluation, _, _ = working(uow, lot_id)
    _open(evaluation)
    entry = evaluation.bid(bid_id)
    if entry not in evaluation.competing():
        raise Conflict(
            f"bid {bid_id} is no longer evaluated: {entry.excluded or 'it did not pass the technical stage'}",
            field="bid_id",
            code="bid_excluded",
        )
    if entry.price is None:
        raise Conflict("the bid's price has not been opened yet", field="bid_id", code="price_not_opened")
    result = correct(Decimal(entry.price), entry.price_in_words, bill)
    if not result.changed:
        return None
    return repository.insert_clarification(
        uow.conn,
        lot_id=lot_id,
        bid_id=bid_id,
        bidder_org_id=entry.bidder_org_id,
        kind="price_correction",
        question=(
            f"The committee corrected arithmetic errors in your bid (评标规定19): {'; '.join(result.reasons)}. "
            f"Do you accept the corrected price {result.corrected}? If you do not, your bid is rejected."
        ),
        original_price=str(result.original),
        corrected_price=str(result.corrected),
        correction_reasons=repository.dumps(list(result.reasons)),
        asked_by_member_id=member.member_id,
        asked_at=uow.clock.now(),
    )


@use_case("evaluation.answer_clarification", object_type="evaluation_clarification")
def do_answer_clarification(
    *, uow: UnitOfWork, actor: Actor, clarification_id: str, answer: str, accept: bool | None = None
) -> None:
    org_id = require_bidder(uow, actor, action="answer an evaluation clarification")
    row = repository.clarification(uow.conn, clarification_id, for_update=True)
    if row.bidder_org_id != org_id:
        raise Forbidden("this clarification was asked of another bidder", field="clarification_id", code="not_yours")
    if row.answered_at is not None:
        raise Conflict("this clarification has been answered", field="clarification_id", code="answered")
    evaluation, _, _ = working(uow, row.lot_id)
    _open(evaluation)
    if not answer.strip():
        raise ValidationFailed("the answer is empty", field="answer", citation=CLARIFICATION_CITATION)
    if row.kind == "price_correction":
        if accept is None:
            raise ValidationFailed(
                "say whether you accept the corrected price (accept: true or false)",
                field="accept",
                citation=CORRECTION_CITATION,
            )
        entry = evaluation.bid(row.bid_id)
        if accept:
            entry.corrected_price = row.corrected_price
        else:
            entry.excluded = (
                f"the bidder did not accept the arithmetic correction of its price to {row.corrected_price}"
            )
            entry.excluded_citation = CORRECTION_CITATION
        repository.save_evaluation(uow.conn, evaluation)
    elif accept is not None:
        raise ValidationFailed(
            "a clarification answer cannot accept or change anything: it may not change the bid's substance",
            field="accept",
            citation=CLARIFICATION_CITATION,
        )
    repository.answer_clarification(
        uow.conn,
        clarification_id,
        answer=answer.strip(),
        accepted=accept,
        answered_at=uow.clock.now(),
        answered_by=actor.user_id,
    )
