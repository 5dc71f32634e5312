"""Notifications about bonds. A bidder is told about its own bond only. The platform operators are told what they
must do with money by bank transaction and amount, never by lot or bidder before that lot's deadline (DESIGN
principle 4)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from zhaocai.adapters.db.tables.identity import user_roles, users
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bonds.lots import LotBond
from zhaocai.bonds.model import Decision, PaymentStatus
from zhaocai.bonds.repository import Guarantee, Refund
from zhaocai.bonds.statement import StatementRow
from zhaocai.identity.model import Role
from zhaocai.notifications.service import queue_notification
from zhaocai.tendering.recipients import notify_organisations


def notify_operators(uow: UnitOfWork, *, subject: str, body: str) -> int:
    rows = uow.conn.execute(
        select(users.c.id, users.c.email)
        .join(user_roles, user_roles.c.user_id == users.c.id)
        .where(user_roles.c.role == Role.PLATFORM_OPERATOR.value, users.c.status == "active")
        .order_by(users.c.id)
    ).all()
    for row in rows:
        queue_notification(uow, user_id=row.id, email=row.email, subject=subject, body=body, send_now=False)
    return len(rows)


def _lot(lot: LotBond) -> str:
    return f"{lot.terms.tender_number} 标段 {lot.terms.lot_number} ({lot.terms.lot_name})"


def payment_decided(uow: UnitOfWork, lot: LotBond, org_id: str, row: StatementRow, decision: Decision) -> None:
    """Tell the paying bidder what its transfer counts as."""
    if decision.status is PaymentStatus.ACCEPTED:
        outcome = "accepted as your bid bond (投标保证金)"
    else:
        cited = f" ({decision.citation})" if decision.citation else ""
        outcome = f"not accepted as your bid bond: {decision.reason}{cited}"
    notify_organisations(
        uow,
        [org_id],
        subject=f"投标保证金 {lot.terms.lot_number}: {decision.status.value}",
        body=f"Your transfer of {row.amount} yuan (bank reference {row.bank_reference}, {row.value_date}) for "
        f"{_lot(lot)} was {outcome}.",
    )


def _what(refund: Refund, bank_references: Iterable[str], guarantee: Guarantee | None) -> str:
    parts = []
    if refund.amount > 0:
        parts.append(f"{refund.amount} yuan, back to the payer of bank transaction(s) {', '.join(bank_references)}")
    if guarantee is not None:
        parts.append(f"release of guarantee {guarantee.number} issued by {guarantee.issuer}")
    return "; ".join(parts)


def refund_opened(
    uow: UnitOfWork, lot: LotBond, refund: Refund, bank_references: list[str], guarantee: Guarantee | None
) -> None:
    what = _what(refund, bank_references, guarantee)
    notify_organisations(
        uow,
        [refund.bidder_org_id],
        subject=f"投标保证金退还 {lot.terms.lot_number}",
        body=f"Your bid bond for {_lot(lot)} is due back by {refund.due_day} ({refund.citation}): {what}.",
    )
    notify_operators(
        uow,
        subject=f"Bond refund {refund.id} due by {refund.due_day}",
        body=f"A bid bond refund is due by {refund.due_day} ({refund.citation}): {what}. "
        f"Record it as made with refund id {refund.id}.",
    )


def refund_reminder(uow: UnitOfWork, refund: Refund) -> None:
    notify_operators(
        uow,
        subject=f"Reminder: bond refund {refund.id} is due today",
        body=f"Bond refund {refund.id} ({refund.amount} yuan) is due by the end of {refund.due_day} "
        f"({refund.citation}).",
    )


def refund_overdue(uow: UnitOfWork, lot: LotBond, refund: Refund) -> None:
    notify_organisations(
        uow,
        [refund.bidder_org_id],
        subject=f"投标保证金退还逾期 {lot.terms.lot_number}",
        body=f"Your bid bond for {_lot(lot)} was due back by {refund.due_day} ({refund.citation}) and the platform "
        "has no record of its refund. The delay is recorded; it is reported to the supervising department after "
        "the bid deadline.",
    )
    notify_operators(
        uow,
        subject=f"Bond refund {refund.id} is overdue",
        body=f"Bond refund {refund.id} ({refund.amount} yuan) was due by {refund.due_day} ({refund.citation}) and "
        "is overdue. It is recorded as late and will be reported to supervision.",
    )
