"""At the bid deadline, in the transaction that moves the tender to `deadline_passed` (a deadline handler of
zhaocai.tendering.procedure, run after bidding's 条例34/37 checks): each lot either fails or starts its opening.

- fewer than opening_min_bidders bids received (submitted, void ones included; withdrawn ones not): the lot is not
  opened (流标, 条例44) — recorded, sent to the outbox, the tender side told; when every lot failed, the tender
  itself fails (DECLARE_FAILED) in the same transaction, so that it can be re-tendered;
- otherwise the first stage's session opens with the decryption window of the tender's opening plan, and every
  received bid waits for its keys.

Running it twice changes nothing the second time (a lot with a session is left alone).
"""

from __future__ import annotations

from datetime import datetime

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.audit.entries import record_entry
from zhaocai.bidding import repository as bids
from zhaocai.bidding.queries import bid_count_after_deadline
from zhaocai.bidding.repository import BidStatus
from zhaocai.core.actor import SYSTEM
from zhaocai.exchange.outbox import emit
from zhaocai.opening import messages, repository
from zhaocai.opening.model import (
    FAILED_OPENING_CITATION,
    SessionEvent,
    SessionState,
    first_stage,
    next_session_state,
    window_from,
)
from zhaocai.rules import packaged_rules, reaches
from zhaocai.tendering.model import Event, EventKind, State, book_for, fire
from zhaocai.tendering.queries import BiddingTerms, bidding_terms, load_aggregate, tender_lot_ids
from zhaocai.tendering.recipients import notify_organisations

OPENING_BIDDERS_RULE = "opening_min_bidders"
START_ACTION = "opening.start_session"
FAIL_ACTION = "opening.fail_lot"


def _audit(uow: UnitOfWork, action: str, session_id: str, at: datetime, reason: str) -> None:
    record_entry(
        uow.conn,
        occurred_at=at,
        actor=SYSTEM,
        action=action,
        outcome="ok",
        object_type="opening_session",
        object_id=session_id,
        reason=reason[:1000],
    )


def start_session(uow: UnitOfWork, terms: BiddingTerms, stage: str, bid_ids: list[str] | None, at: datetime) -> str:
    """Open `stage` of the lot for the received bids (or only `bid_ids`): a decrypting session with the plan's
    window, one pending decryption per bid; outbox message and notice to the bidders."""
    plan = repository.get_plan(uow.conn, terms.tender_id)
    window = window_from(at, plan.window_minutes if plan else None)
    state = next_session_state(SessionState.PENDING, SessionEvent.START)
    received = [
        bid
        for bid in bids.bids_of_lot(uow.conn, terms.lot_id)
        if bid.status in (BidStatus.SUBMITTED, BidStatus.VOID) and (bid_ids is None or bid.id in bid_ids)
    ]
    session = repository.insert_session(
        uow.conn,
        tender_id=terms.tender_id,
        lot_id=terms.lot_id,
        stage=stage,
        state=state.value,
        started_at=at,
        window_ends_at=window.ends_at,
        bids_received=len(received),
    )
    members = bids.members_of(uow.conn, [bid.latest_version_id for bid in received])
    for bid in received:
        repository.insert_bid_opening(
            uow.conn,
            session_id=session.id,
            lot_id=terms.lot_id,
            bid_id=bid.id,
            version_id=bid.latest_version_id,
            bidder_org_id=bid.bidder_org_id,
            consortium_org_ids=tuple(members.get(bid.latest_version_id) or ()),
            void=bid.status == BidStatus.VOID,
        )
    emit(
        uow,
        messages.OPENING_STARTED,
        messages.opening_started(terms, at, stage, window.ends_at),
        object_type="lot",
        object_id=terms.lot_id,
    )
    notify_organisations(
        uow,
        {bid.bidder_org_id for bid in received},
        subject=f"开标 {terms.tender_number}/{terms.lot_number}: hand over your keys ({stage})",
        body=(
            f"The {stage} opening of {terms.lot_name} has started. Unwrap your content keys with `zhaocai bidder "
            f"unwrap` and hand them over before {window.ends_at.isoformat()} (电子招标投标办法31)."
        ),
    )
    _audit(uow, START_ACTION, session.id, at, f"{stage} opening of {len(received)} bids until {window.ends_at}")
    return session.id


def _fail_lot(uow: UnitOfWork, terms: BiddingTerms, count: int, minimum: str, at: datetime) -> None:
    reason = f"{count} bids received, fewer than {minimum}: the bids are not opened (流标) and the tender is run again"
    state = next_session_state(SessionState.PENDING, SessionEvent.FAIL)
    session = repository.insert_session(
        uow.conn,
        tender_id=terms.tender_id,
        lot_id=terms.lot_id,
        stage=first_stage(terms.two_envelope),
        state=state.value,
        started_at=at,
        window_ends_at=None,
        bids_received=count,
        closed_at=at,
        failure_reason=reason,
        failure_citation=FAILED_OPENING_CITATION,
    )
    emit(
        uow,
        messages.OPENING_FAILED,
        messages.opening_failed(terms, at, count, reason, FAILED_OPENING_CITATION),
        object_type="lot",
        object_id=terms.lot_id,
    )
    notify_organisations(
        uow,
        {terms.tenderer_org_id, *([terms.agent_org_id] if terms.agent_org_id else [])},
        subject=f"流标 {terms.tender_number}/{terms.lot_number} ({FAILED_OPENING_CITATION})",
        body=f"{terms.lot_name}: {reason} ({FAILED_OPENING_CITATION}).",
    )
    _audit(uow, FAIL_ACTION, session.id, at, f"{FAILED_OPENING_CITATION}: {reason}")


def _declare_tender_failed(uow: UnitOfWork, tender_id: str, bidders: int, at: datetime) -> None:
    from zhaocai.tendering import messages as tender_messages
    from zhaocai.tendering.repository import load_tender, save_tender

    stored = load_tender(uow.conn, tender_id, lock=True)
    if stored.tender.state is not State.DEADLINE_PASSED:
        return
    reason = f"every lot received fewer than the bids needed to open ({FAILED_OPENING_CITATION})"
    tender = fire(stored.tender, Event(EventKind.DECLARE_FAILED, at, bidders=bidders, reason=reason))
    save_tender(uow.conn, stored, tender, now=at)
    emit(
        uow,
        tender_messages.TENDER_TERMINATED,
        tender_messages.terminated(tender, at),
        object_type="tender",
        object_id=tender_id,
    )


def open_lots_at_deadline(uow: UnitOfWork, tender_id: str, deadline: datetime) -> None:
    conn = uow.conn
    now = uow.clock.now()
    rule = book_for(load_aggregate(conn, tender_id), packaged_rules(), at=deadline).rule(OPENING_BIDDERS_RULE)
    counts: list[int] = []
    failed = 0
    lot_ids = tender_lot_ids(conn, tender_id)
    for lot_id in lot_ids:
        count = bid_count_after_deadline(conn, lot_id, deadline)
        counts.append(count)
        if repository.sessions_of_lot(conn, lot_id):
            failed += any(s.state == SessionState.FAILED for s in repository.sessions_of_lot(conn, lot_id))
            continue
        terms = bidding_terms(conn, lot_id)
        if reaches(count, rule):
            start_session(uow, terms, first_stage(terms.two_envelope), None, now)
        else:
            _fail_lot(uow, terms, count, str(rule.value), now)
            failed += 1
    if lot_ids and failed == len(lot_ids):
        _declare_tender_failed(uow, tender_id, max(counts), now)
