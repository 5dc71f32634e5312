"""Bond refunds when the contract is signed (条例57): every bidder's bid bond, the winner's included, falls due back
within bid_bond_refund_after_contract_days with bank-deposit interest for the period. The refund itself is tracked
by the bonds domain (`bonds.refunds.open_refund`: due date, reminder, overdue, report to supervision); the interest
owed with it — principal × annual rate × days / 360, from the day the money arrived to the refund's due day — is
recorded here and told to the bidder and the operators. A bid revoked after the deadline (撤销, 电子招标投标办法31)
may lose its bond (条例35): no refund is opened for it, and that is recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from zhaocai.adapters.db.tables.award import award_bond_interest
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award import repository
from zhaocai.award.bidders import opened_bids
from zhaocai.award.context import LotContext
from zhaocai.award.model import deposit_interest
from zhaocai.award.model.citations import BOND_KEPT
from zhaocai.bonds import repository as bonds_repository
from zhaocai.bonds.lots import lot_bond
from zhaocai.bonds.model import RefundCause
from zhaocai.bonds.notices import notify_operators
from zhaocai.bonds.refunds import open_refund
from zhaocai.core.ids import new_id
from zhaocai.core.money import format_yuan
from zhaocai.rules.periods import last_day, period_end
from zhaocai.tendering.model import RefundDue
from zhaocai.tendering.recipients import notify_organisations

RULE = "bid_bond_refund_after_contract_days"
REVOKED = "revoked"


def open_contract_refunds(
    uow: UnitOfWork, ctx: LotContext, *, contract_id: str, signed_at: datetime, annual_rate: Decimal
) -> list[str]:
    """Open the refunds of every bidder of the lot; returns the bonds refund ids opened."""
    rule = ctx.book.rule(RULE)
    due = RefundDue(
        rule=rule.key,
        citation=rule.citation,
        due_day=last_day(signed_at, rule, calendar=ctx.book.calendar),
        overdue_at=period_end(signed_at, rule, calendar=ctx.book.calendar),
    )
    lot = lot_bond(uow.conn, ctx.lot_id, at=signed_at)
    outcomes: dict[str, str] = {}
    for bid in opened_bids(uow.conn, ctx.lot_id):
        outcomes[bid.bidder_org_id] = bid.outcome
    opened = []
    for org_id in sorted(outcomes):
        if outcomes[org_id] == REVOKED:
            _record(
                uow,
                contract_id,
                org_id,
                None,
                Decimal("0.00"),
                annual_rate,
                None,
                None,
                0,
                Decimal("0.00"),
                kept=f"the bid was revoked after the deadline (撤销): the bond may be kept ({BOND_KEPT})",
            )
            continue
        refund_id = open_refund(uow, lot, org_id, RefundCause.CONTRACT_SIGNED, due, signed_at)
        if refund_id is None:
            continue  # nothing paid in cash or by guarantee
        refund = bonds_repository.get_refund(uow.conn, refund_id)
        paid_on = [p.value_date for p in bonds_repository.payments_of_refund(uow.conn, refund_id)]
        from_day = min(paid_on) if paid_on else None
        days, interest = (
            deposit_interest(refund.amount, annual_rate, from_day, due.due_day) if from_day else (0, Decimal("0.00"))
        )
        _record(uow, contract_id, org_id, refund_id, refund.amount, annual_rate, from_day, due.due_day, days, interest)
        if refund.amount > 0:
            told = (
                f"With it, {format_yuan(interest)} of bank-deposit interest (银行同期存款利息, 条例57): "
                f"{format_yuan(refund.amount)} × {annual_rate} a year × {days} days / 360, from {from_day} to "
                f"{due.due_day}."
            )
            notify_organisations(
                uow, [org_id], subject=f"投标保证金利息 {ctx.tender.number} 标段 {ctx.lot.number}", body=told
            )
            notify_operators(uow, subject=f"Bond refund {refund_id}: interest {format_yuan(interest)}", body=told)
        opened.append(refund_id)
    return opened


def _record(
    uow: UnitOfWork,
    contract_id: str,
    org_id: str,
    refund_id: str | None,
    principal: Decimal,
    rate: Decimal,
    from_day: date | None,
    to_day: date | None,
    days: int,
    interest: Decimal,
    *,
    kept: str | None = None,
) -> None:
    repository.add(
        uow.conn,
        award_bond_interest,
        id=new_id(),
        contract_id=contract_id,
        refund_id=refund_id,
        bidder_org_id=org_id,
        principal=str(principal),
        annual_rate=str(rate),
        from_day=from_day,
        to_day=to_day,
        days=days,
        interest=str(interest),
        kept_reason=kept,
    )
