"""Starting a lot's evaluation once its opening is closed and its committee fixed; taking in the bids that opening
opened (and, for a two-envelope lot, their prices once the second opening is closed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.evaluation import inputs, repository
from zhaocai.evaluation.access import active_members, committee_of, require_tender_side
from zhaocai.evaluation.entries import BidEntry
from zhaocai.evaluation.machine import Event, State, step
from zhaocai.evaluation.repository import Evaluation
from zhaocai.exchange.outbox import emit
from zhaocai.tendering.queries import bidding_terms
from zhaocai.usecase import use_case

EVALUATION_STARTED = "EVALUATION_STARTED"
EXCLUDED = {
    "revoked": "the bid was revoked at opening (撤销: the bidder did not decrypt it)",
    "withdrawn": "the bid was withdrawn at opening (撤回: it could not be decrypted for a cause not the bidder's)",
    "void": "the bid was voided at the deadline",
}


def _first(manifests: dict[str, dict], key: str) -> Any:
    for section in ("whole", "technical", "price"):
        value = (manifests.get(section) or {}).get(key)
        if value is not None:
            return value
    return None


def entry_for(opened: Any, required_declarations: tuple[str, ...]) -> BidEntry:
    manifests = opened.manifests or {}
    manager = _first(manifests, "project_manager") or {}
    declared = _first(manifests, "declared") or {}
    entry = BidEntry(
        bid_id=opened.bid_id,
        bidder_org_id=opened.bidder_org_id,
        outcome=opened.outcome,
        price=None if opened.price is None else str(opened.price),
        price_in_words=opened.price_in_words,
        project_manager=manager.get("name"),
        project_manager_certificate=manager.get("certificate_number"),
        duration_days=_first(manifests, "duration_days"),
        quality=_first(manifests, "quality"),
        missing_declarations=[name for name in required_declarations if not declared.get(name)],
    )
    if opened.outcome != "opened":
        reason = EXCLUDED.get(opened.outcome, f"the bid's opening outcome is {opened.outcome}")
        if opened.outcome_reason:
            reason = f"{reason}: {opened.outcome_reason}"
        entry.excluded = reason
        entry.excluded_citation = opened.outcome_citation
    return entry


def lot_items(terms: Any) -> dict[str, Any]:
    return {"TENDER_PROJECT_CODE": terms.tender_number, "BID_SECTION_CODE": terms.lot_number}


@use_case("evaluation.start", object_type="lot")
def do_start_evaluation(*, uow: UnitOfWork, actor: Actor, lot_id: str, chair_member_id: str) -> Evaluation:
    conn = uow.conn
    terms = bidding_terms(conn, lot_id)
    require_tender_side(uow, actor, terms.tender_id, action="start the evaluation")
    if repository.load_evaluation(conn, lot_id) is not None:
        raise Conflict("the evaluation of this lot has already started", field="lot_id", code="already_started")
    plan = repository.load_plan(conn, lot_id)
    if plan is None:
        raise Conflict("the lot has no evaluation plan (评标办法)", field="lot_id", code="no_plan")
    status = inputs.opening_status(conn, lot_id)
    if status.state != "closed":
        raise Conflict(
            f"the lot's opening is {status.state}: evaluation starts once it is closed",
            field="lot_id",
            code="opening_not_closed",
        )
    committee = committee_of(conn, lot_id)
    active = active_members(committee)
    if len(active) != plan.committee_size:
        raise Conflict(
            f"the committee has {len(active)} active members; the evaluation plan names {plan.committee_size}",
            field="lot_id",
            code="committee_size",
        )
    if chair_member_id not in {m.member_id for m in active}:
        raise ValidationFailed("the chair must be an active member of the lot's committee", field="chair_member_id")
    opened = inputs.opened_bids(conn, lot_id)
    if not opened:
        raise NotFound("the opening recorded no bids for this lot", field="lot_id", code="no_bids")
    evaluation = Evaluation(
        id=new_id(),
        lot_id=lot_id,
        tender_id=terms.tender_id,
        state=State.SCORING.value,
        stage="technical" if terms.two_envelope else "whole",
        chair_member_id=chair_member_id,
        bids=[entry_for(bid, plan.required_declarations) for bid in opened],
        technical_passed=None,
        extension_required_at=None,
        extended_until=None,
        started_at=uow.clock.now(),
        version=1,
    )
    repository.insert_evaluation(conn, evaluation, by=actor.user_id)
    emit(
        uow,
        EVALUATION_STARTED,
        lot_items(terms) | {"EVALUATION_START_TIME": evaluation.started_at.isoformat()},
        object_type="lot",
        object_id=lot_id,
    )
    return evaluation


def take_in_prices(conn: Connection, evaluation: Evaluation) -> bool:
    """In memory: move a two-envelope evaluation awaiting prices to the price stage once the price opening is
    closed, taking in the prices opening read. Returns whether it moved."""
    if evaluation.state != State.AWAITING_PRICES.value or not evaluation.technical_passed:
        return False
    status = inputs.opening_status(conn, evaluation.lot_id)
    if status.stage != "price" or status.state != "closed":
        return False
    by_id = {bid.bid_id: bid for bid in inputs.opened_bids(conn, evaluation.lot_id)}
    for entry in evaluation.bids:
        opened = by_id.get(entry.bid_id)
        if opened is None or entry.bid_id not in evaluation.technical_passed:
            continue
        entry.price = None if opened.price is None else str(opened.price)
        entry.price_in_words = opened.price_in_words
        if opened.outcome != "opened" and entry.excluded is None:
            entry.excluded = EXCLUDED.get(opened.outcome, opened.outcome)
            entry.excluded_citation = opened.outcome_citation
    evaluation.state = step(State(evaluation.state), Event.PRICES_OPENED).value
    evaluation.stage = "price"
    return True


def refresh_prices(uow: UnitOfWork, evaluation: Evaluation) -> None:
    """Take in the prices of a closed price opening, and store the move."""
    if take_in_prices(uow.conn, evaluation):
        repository.save_evaluation(uow.conn, evaluation)
