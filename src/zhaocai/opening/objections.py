"""Objections at the opening (开标异议, 条例44): raised on the spot — while the session is open — by a bidder whose
bid is in it, answered on the spot by the tender side; both are recorded and shown in the opening record. A session
with an unanswered objection waits for the answer (or for the end of its window) before it closes."""

from __future__ import annotations

from dataclasses import dataclass

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding import repository as bids
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.opening import repository
from zhaocai.opening.closing import RecordSigner, close_if_done
from zhaocai.opening.model import SessionState
from zhaocai.opening.plan import require_tender_side
from zhaocai.usecase import use_case

OBJECTION_CITATION = "条例44"
MAX_TEXT = 4000


@dataclass(frozen=True)
class ObjectionOut:
    id: str
    lot_id: str
    stage: str
    text: str
    answer: str | None
    record_id: str | None  # the record, if answering it let the session close


def _text(value: str, field: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_TEXT:
        raise ValidationFailed(f"{field} is 1 to {MAX_TEXT} characters", field=field)
    return value


def _open_session(uow: UnitOfWork, lot_id: str) -> repository.Session:
    sessions = repository.sessions_of_lot(uow.conn, lot_id)
    session = sessions[-1] if sessions else None
    now = uow.clock.now()
    if (
        session is None
        or session.state != SessionState.DECRYPTING
        or session.window_ends_at is None
        or now >= session.window_ends_at
    ):
        raise Conflict(
            "objections to the opening are raised and answered on the spot, while the opening is in session",
            field="lot_id",
            code="not_in_session",
            citation=OBJECTION_CITATION,
        )
    return session


@use_case("opening.raise_objection", object_type="lot")
def do_raise_opening_objection(*, uow: UnitOfWork, actor: Actor, lot_id: str, text: str) -> ObjectionOut:
    session = _open_session(uow, lot_id)
    bid = bids.bid_for(uow.conn, lot_id, actor.org_id) if actor.org_id else None
    if bid is None or repository.bid_in_session(uow.conn, session.id, bid.id) is None:
        raise Forbidden(
            "objections at the opening are raised by the bidders whose bids are being opened",
            field="lot_id",
            code="not_a_bidder",
            citation=OBJECTION_CITATION,
        )
    assert actor.org_id is not None
    body = _text(text, "text")
    objection_id = repository.insert_objection(
        uow.conn,
        session_id=session.id,
        lot_id=lot_id,
        raised_by_org_id=actor.org_id,
        raised_by_user_id=actor.user_id,
        text=body,
        raised_at=uow.clock.now(),
    )
    return ObjectionOut(objection_id, lot_id, session.stage, body, None, None)


@use_case("opening.answer_objection", object_type="opening_objection")
def do_answer_opening_objection(
    *, uow: UnitOfWork, actor: Actor, objection_id: str, answer: str, signer: RecordSigner
) -> ObjectionOut:
    objection = repository.get_objection(uow.conn, objection_id)
    if objection is None:
        raise NotFound(f"no objection {objection_id}", field="objection_id")
    session = _open_session(uow, objection.lot_id)
    if session.id != objection.session_id:
        raise Conflict("that objection belongs to an earlier stage", field="objection_id", code="not_in_session")
    require_tender_side(uow.conn, actor, session.tender_id, "answer objections at the opening")
    body = _text(answer, "answer")
    if not repository.answer_objection(uow.conn, objection_id, answer=body, user_id=actor.user_id, at=uow.clock.now()):
        raise Conflict("the objection is already answered", field="objection_id", code="already_answered")
    record_id = close_if_done(uow, session.id, signer, uow.clock.now())
    return ObjectionOut(objection_id, objection.lot_id, session.stage, objection.text, body, record_id)
