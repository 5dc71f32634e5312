"""Refund duties (tracked, DESIGN principle 1): opened when a bond falls due back, reminded on the last day, flagged
overdue to the bidder and the platform when the period ends, and reported to supervision (EXCEPTION_REPORT) only
once the lot's bid deadline has passed — before it, the report would reveal a withdrawn bidder.

A refund takes the cash accepted for the (lot, bidder) that is not already under a refund, and the guarantee in
use; money that arrives later stays the bidder's bond (refunded with the rest after the contract, issue #4).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bonds import notices, repository
from zhaocai.bonds.lots import LotBond, lot_bond
from zhaocai.bonds.model import (
    PaymentStatus,
    RefundCause,
    RefundClock,
    RefundState,
    next_refund_check,
    refund_steps,
)
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.identity import repository as identity_repository
from zhaocai.rules.periods import local
from zhaocai.tendering.messages import EXCEPTION_REPORT, data_timestamp
from zhaocai.tendering.model import RefundDue, refund_due_after_withdrawal

EXCEPTION_TYPE = "bond_refund_overdue"


def open_refund(
    uow: UnitOfWork, lot: LotBond, bidder_org_id: str, cause: RefundCause, due: RefundDue, opened_at: datetime
) -> str | None:
    """Start tracking the refund of what the bidder has paid for the lot; None when there is nothing to refund."""
    conn = uow.conn
    payments = [
        p
        for p in repository.payments_of(conn, lot.terms.lot_id, bidder_org_id)
        if p.status is PaymentStatus.ACCEPTED and p.refund_id is None
    ]
    guarantee = repository.guarantee_in_use(conn, lot.terms.lot_id, bidder_org_id)
    if not payments and guarantee is None:
        return None
    refund = repository.Refund(
        id=new_id(),
        lot_id=lot.terms.lot_id,
        bidder_org_id=bidder_org_id,
        cause=cause,
        rule_key=due.rule,
        citation=due.citation,
        opened_at=opened_at,
        due_day=due.due_day,
        overdue_at=due.overdue_at,
        amount=sum((p.amount for p in payments), Decimal("0.00")),
        guarantee_id=guarantee.id if guarantee else None,
        state=RefundState.DUE,
        refunded_at=None,
        refunded_by=None,
        refund_bank_reference=None,
        refunded_late=None,
        reminded_at=None,
        overdue_flagged_at=None,
        supervision_reported_at=None,
        next_check_at=None,
    )
    repository.insert_refund(conn, refund)
    repository.attach_payments(conn, [p.id for p in payments], refund.id)
    if guarantee is not None:
        repository.attach_guarantee(conn, guarantee.id, refund.id)
    notices.refund_opened(uow, lot, refund, [p.bank_reference for p in payments], guarantee)
    check_refund(uow, refund.id, now=opened_at)
    return refund.id


def record_bid_withdrawn(uow: UnitOfWork, *, lot_id: str, bidder_org_id: str, withdrawn_at: datetime) -> str | None:
    """Called by bidding inside its withdrawal use case: the bond falls due back within 5 days of the withdrawal
    (条例35), tracked from here. Returns the refund's id, or None when the bidder had paid nothing."""
    lot = lot_bond(uow.conn, lot_id, at=withdrawn_at)
    due = refund_due_after_withdrawal(withdrawn_at, lot.book)
    return open_refund(uow, lot, bidder_org_id, RefundCause.WITHDRAWAL, due, withdrawn_at)


def _clock(refund: repository.Refund, lot: LotBond) -> RefundClock:
    return RefundClock(
        state=refund.state,
        due_day=refund.due_day,
        overdue_at=refund.overdue_at,
        reminded=refund.reminded_at is not None,
        overdue_flagged=refund.overdue_flagged_at is not None,
        reported=refund.supervision_reported_at is not None,
        bid_deadline=lot.deadline,
    )


def check_refund(uow: UnitOfWork, refund_id: str, *, now: datetime) -> list[str]:
    """Apply the steps due now (idempotent) and store when to look again; the steps applied."""
    conn = uow.conn
    refund = repository.get_refund(conn, refund_id, for_update=True)
    lot = lot_bond(conn, refund.lot_id, at=now)
    steps = refund_steps(_clock(refund, lot), now)
    changes: dict[str, object] = {}
    if "remind" in steps:
        notices.refund_reminder(uow, refund)
        changes["reminded_at"] = now
    if "flag_overdue" in steps:
        notices.refund_overdue(uow, lot, refund)
        changes |= {"state": RefundState.OVERDUE, "overdue_flagged_at": now}
    if "report" in steps:
        report_to_supervision(uow, lot, refund, now)
        changes["supervision_reported_at"] = now
    repository.update_refund(conn, refund_id, **changes)
    after = repository.get_refund(conn, refund_id)
    repository.update_refund(conn, refund_id, next_check_at=next_refund_check(_clock(after, lot), now))
    return steps


def report_to_supervision(uow: UnitOfWork, lot: LotBond, refund: repository.Refund, now: datetime) -> None:
    bidder = identity_repository.get_organisation(uow.conn, refund.bidder_org_id)
    payload = {
        "DATA_TIMESTAMP": data_timestamp(now),
        "PROJECT_CODE": lot.tender.project_code,
        "TENDER_PROJECT_CODE": lot.terms.tender_number,
        "BID_SECTION_CODE": lot.terms.lot_number,
        "EXCEPTION_TYPE": EXCEPTION_TYPE,
        "EXCEPTION_BASIS": refund.citation,
        "REFUND_ID": refund.id,
        "REFUND_CAUSE": refund.cause.value,
        "BIDDER_NAME": bidder.name if bidder else None,
        "BIDDER_CODE": bidder.credit_code if bidder else None,
        "MARGIN_AMOUNT": str(refund.amount),
        "DUE_DATE": refund.due_day.isoformat(),
        "OVERDUE_TIME": local(refund.overdue_at).isoformat(),
        "REFUNDED_TIME": local(refund.refunded_at).isoformat() if refund.refunded_at else None,
    }
    emit(uow, EXCEPTION_REPORT, payload, object_type="bond_refund", object_id=refund.id)


def report_overdue_refunds(uow: UnitOfWork, tender_id: str, deadline: datetime) -> None:
    """A deadline handler (tendering.scheduler): in the transaction that passes the tender's bid deadline, report
    the refunds of its lots that were already overdue."""
    from zhaocai.tendering.queries import tender_lot_ids

    for refund_id in repository.refund_ids_of_lots(uow.conn, tender_lot_ids(uow.conn, tender_id)):
        check_refund(uow, refund_id, now=max(uow.clock.now(), deadline))
