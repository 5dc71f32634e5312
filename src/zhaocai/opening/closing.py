"""Closing an opening session: when every bid is decided (and every objection answered), or when the window ends —
then every bid still without a valid key is revoked (撤销, the bidder's fault: 电子招标投标办法31) — the opening
record is built, signed with the platform key, stored, published and written to the outbox.

`do_process_due_openings` is the idempotent time job (like the tendering scheduler): it closes every session whose
window has ended, one transaction each. The second stage of a two-envelope lot (`do_start_price_opening`) opens
the price sections of the bids that passed the technical evaluation (zhaocai.evaluation.queries.technical_result).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from zhaocai.adapters.db.uow import UnitOfWork, UnitOfWorkFactory
from zhaocai.audit.entries import record_entry
from zhaocai.bidding.receipts import ReceiptSigner
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.core.clock import Clock
from zhaocai.core.errors import Conflict, NotFound
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.opening import messages, repository
from zhaocai.opening.deadline import start_session
from zhaocai.opening.model import (
    DECRYPTION_CITATION,
    BidEvent,
    Outcome,
    SessionEvent,
    SessionState,
    Window,
    may_close,
    next_outcome,
    next_session_state,
)
from zhaocai.opening.plan import require_tender_side
from zhaocai.opening.record import build_record, sign_record
from zhaocai.tendering.queries import bidding_terms
from zhaocai.usecase import use_case

log = logging.getLogger(__name__)
CLOSE_ACTION = "opening.close_session"
WINDOW_MISSED_REASON = "no valid key was handed over before the decryption window ended: revoked (撤销)"


@dataclass(frozen=True)
class RecordSigner:
    signer: ReceiptSigner
    platform_code: str


def record_signer(container: Any) -> RecordSigner:
    from zhaocai.bidding.platform_key import platform_signer

    return RecordSigner(platform_signer(container), container.settings.platform_code)


def _window(session: repository.Session) -> Window:
    assert session.window_ends_at is not None
    return Window(session.started_at, session.window_ends_at)


def close_if_done(uow: UnitOfWork, session_id: str, signer: RecordSigner, at: datetime) -> str | None:
    """Close the session if it may close now; the record id if it did."""
    session = repository.get_session(uow.conn, session_id, lock=True)
    assert session is not None
    rows = repository.bids_of_session(uow.conn, session.id)
    outcomes = [Outcome(row.outcome) for row in rows]
    window = _window(session) if session.window_ends_at else Window(session.started_at, session.started_at)
    unanswered = any(o.answer is None for o in repository.objections_of_session(uow.conn, session.id))
    if not may_close(SessionState(session.state), outcomes, window, at):
        return None
    if unanswered and at < window.ends_at:
        return None  # an objection raised at the opening is answered on the spot, before the record is made
    for row in rows:
        if row.outcome == Outcome.PENDING:
            outcome = next_outcome(Outcome.PENDING, BidEvent.WINDOW_MISSED)
            repository.decide(
                uow.conn,
                row.id,
                outcome=outcome.value,
                at=at,
                reason=WINDOW_MISSED_REASON,
                citation=DECRYPTION_CITATION,
            )
    state = next_session_state(SessionState(session.state), SessionEvent.CLOSE)
    terms = bidding_terms(uow.conn, session.lot_id)
    body = build_record(uow.conn, terms, session, at)
    encoded, signature = sign_record(signer.signer, signer.platform_code, body)
    record = repository.Record(
        id=new_id(),
        session_id=session.id,
        tender_id=session.tender_id,
        lot_id=session.lot_id,
        stage=session.stage,
        body=encoded,
        signature=signature,
        key_id=signer.signer.key_id,
        algorithm=signer.signer.algorithm,
        created_at=at,
    )
    repository.insert_record(uow.conn, record)
    repository.set_session(uow.conn, session.id, state=state.value, closed_at=at, record_id=record.id)
    emit(
        uow,
        messages.OPENING_RECORD,
        messages.opening_record(terms, at, json.loads(encoded), base64.b64encode(signature).decode()),
        object_type="lot",
        object_id=session.lot_id,
    )
    record_entry(
        uow.conn,
        occurred_at=at,
        actor=SYSTEM,
        action=CLOSE_ACTION,
        outcome="ok",
        object_type="opening_session",
        object_id=session.id,
        reason=f"{session.stage} opening closed; record {record.id}",
    )
    return record.id


@use_case("opening.close_due_session", object_type="opening_session")
def do_close_due_session(*, uow: UnitOfWork, actor: Actor, session_id: str, signer: RecordSigner) -> str | None:
    return close_if_done(uow, session_id, signer, uow.clock.now())


@dataclass
class DueOpenings:
    closed: dict[str, str] = field(default_factory=dict)  # session id -> record id
    failed: dict[str, str] = field(default_factory=dict)


def do_process_due_openings(
    *, uow_factory: UnitOfWorkFactory, clock: Clock, signer: RecordSigner, limit: int = 100
) -> DueOpenings:
    """Close every decrypting session whose window has ended (each in its own transaction). Idempotent."""
    run = DueOpenings()
    now = clock.now()
    uow = uow_factory()
    with uow:
        due = repository.due_session_ids(uow.conn, now, limit=limit)
    for session_id in due:
        digest = hashlib.sha256(f"close-opening:{session_id}".encode()).hexdigest()
        try:
            record_id = do_close_due_session(
                uow=uow_factory(), actor=SYSTEM.with_payload_hash(digest), session_id=session_id, signer=signer
            )
        except Exception as error:  # one session's failure must not hold up the others; it stays due
            log.exception("closing opening session %s failed; retried on the next run", session_id)
            run.failed[session_id] = f"{type(error).__name__}: {error}"
            continue
        if record_id:
            run.closed[session_id] = record_id
    return run


def opening_job(container: Any):  # type: ignore[no-untyped-def]
    """What zhaocai.jobs.platform_jobs runs periodically on a trading platform."""
    return do_process_due_openings(uow_factory=container.uow, clock=container.clock, signer=record_signer(container))


@use_case("opening.start_price_opening", object_type="lot")
def do_start_price_opening(*, uow: UnitOfWork, actor: Actor, lot_id: str) -> str:
    """The second opening of a two-envelope lot: the price sections of the bids that passed the technical
    evaluation, with a new decryption window. By the tender side, once the evaluation concluded it."""
    from zhaocai.evaluation.queries import technical_result

    terms = bidding_terms(uow.conn, lot_id)
    require_tender_side(uow.conn, actor, terms.tender_id, "start the price opening")
    if not terms.two_envelope:
        raise Conflict("this lot has one envelope: it was opened whole", field="lot_id", code="not_two_envelope")
    technical = repository.session_of(uow.conn, lot_id, "technical")
    if technical is None or technical.state != SessionState.CLOSED:
        raise Conflict("the technical opening is not closed yet", field="lot_id", code="not_opened")
    if repository.session_of(uow.conn, lot_id, "price") is not None:
        raise Conflict("the price opening has already started", field="lot_id", code="already_started")
    passed = technical_result(uow.conn, lot_id)
    if passed is None:
        raise Conflict(
            "the committee has not concluded the technical evaluation: price sections open only for the bids that "
            "pass it",
            field="lot_id",
            code="technical_evaluation_pending",
        )
    opened = {row.bid_id for row in repository.bids_of_session(uow.conn, technical.id) if row.outcome == Outcome.OPENED}
    chosen = sorted(passed & opened)
    if not chosen:
        raise NotFound("no bid passed the technical evaluation: there are no price sections to open", field="lot_id")
    return start_session(uow, terms, "price", chosen, uow.clock.now())
