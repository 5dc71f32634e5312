"""Read side of bonds for other domains and the API. No access checks here: `bond_status` shows everything about
one (lot, bidder), so callers (bonds.views) show it only to the bidder itself before the bid deadline, and to the
tender's side after it. Nothing a status holds depends on any other bidder's payments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.bonds import bond_guarantees, bond_payments, bond_references
from zhaocai.bonds import repository
from zhaocai.bonds.model import Coverage, PaymentStatus, RefundState, coverage_of
from zhaocai.tendering.queries import bidding_terms


@dataclass(frozen=True)
class PaymentView:
    bank_reference: str
    value_date: date
    amount: Decimal
    payer_account_number: str
    status: str
    matched_by: str | None
    reason_code: str | None
    reason: str | None
    citation: str | None
    refund_id: str | None


@dataclass(frozen=True)
class GuaranteeView:
    id: str
    issuer: str
    number: str
    amount: Decimal
    valid_from: date
    valid_until: date
    recorded_at: datetime


@dataclass(frozen=True)
class RefundView:
    id: str
    cause: str
    citation: str
    amount: Decimal
    guarantee_id: str | None
    due_day: date
    state: str
    refunded_at: datetime | None
    refunded_late: bool | None


@dataclass(frozen=True)
class BondStatus:
    lot_id: str
    bidder_org_id: str
    required: Decimal
    coverage: Coverage  # unpaid | partial | covered, by what stands for the bond now (not under a refund)
    received: Decimal  # accepted transfers not under a refund
    shortfall: Decimal
    excess: Decimal
    reference_code: str | None
    guarantee: GuaranteeView | None
    payments: tuple[PaymentView, ...]  # every transfer matched to this (lot, bidder), with what it counts as
    refunds: tuple[RefundView, ...]

    @property
    def refund_due(self) -> bool:
        return any(refund.state != RefundState.REFUNDED.value for refund in self.refunds)


def bond_status(conn: Connection, lot_id: str, bidder_org_id: str) -> BondStatus:
    """The bidder's bond for the lot (NotFound if there is no such lot)."""
    required = bidding_terms(conn, lot_id).bond_amount
    payments = repository.payments_of(conn, lot_id, bidder_org_id)
    guarantee = repository.guarantee_in_use(conn, lot_id, bidder_org_id)
    standing = [p.amount for p in payments if p.status is PaymentStatus.ACCEPTED and p.refund_id is None]
    figures = coverage_of(required, standing, guarantee.amount if guarantee else None)
    reference = repository.reference_for(conn, lot_id, bidder_org_id)
    return BondStatus(
        lot_id=lot_id,
        bidder_org_id=bidder_org_id,
        required=required,
        coverage=figures.coverage,
        received=figures.received,
        shortfall=figures.shortfall,
        excess=figures.excess,
        reference_code=reference.code if reference else None,
        guarantee=_guarantee_view(guarantee) if guarantee else None,
        payments=tuple(_payment_view(p) for p in payments),
        refunds=tuple(_refund_view(r) for r in repository.refunds_of(conn, lot_id, bidder_org_id)),
    )


def bidders_with_bonds(conn: Connection, lot_id: str) -> list[str]:
    """Every organisation with anything bond-related on the lot: a reference code, a matched transfer, a guarantee."""
    found: set[str] = set()
    for table in (bond_references, bond_payments, bond_guarantees):
        query = select(table.c.bidder_org_id).where(table.c.lot_id == lot_id, table.c.bidder_org_id.is_not(None))
        found.update(conn.execute(query).scalars())
    return sorted(found)


@dataclass(frozen=True)
class SharedAccount:
    account_number: str
    bidder_org_ids: tuple[str, ...]
    lot_ids: tuple[str, ...]


def shared_payer_accounts(conn: Connection, lot_ids: Collection[str]) -> list[SharedAccount]:
    """Accounts that paid bonds for more than one bidder on these lots (条例40(6): 不同投标人的投标保证金从同一单位或者
    个人的账户转出, deemed collusion). For evaluation after the deadline — never before it."""
    bidders: dict[str, set[str]] = defaultdict(set)
    lots: dict[str, set[str]] = defaultdict(set)
    for payment in repository.payments_of_lots(conn, lot_ids):
        if payment.bidder_org_id is not None and payment.lot_id is not None:
            bidders[payment.payer_account_number].add(payment.bidder_org_id)
            lots[payment.payer_account_number].add(payment.lot_id)
    return [
        SharedAccount(account, tuple(sorted(orgs)), tuple(sorted(lots[account])))
        for account, orgs in sorted(bidders.items())
        if len(orgs) > 1
    ]


def _payment_view(payment: repository.Payment) -> PaymentView:
    return PaymentView(
        bank_reference=payment.bank_reference,
        value_date=payment.value_date,
        amount=payment.amount,
        payer_account_number=payment.payer_account_number,
        status=payment.status.value,
        matched_by=payment.matched_by.value if payment.matched_by else None,
        reason_code=payment.reason_code,
        reason=payment.reason,
        citation=payment.citation,
        refund_id=payment.refund_id,
    )


def _guarantee_view(guarantee: repository.Guarantee) -> GuaranteeView:
    return GuaranteeView(
        id=guarantee.id,
        issuer=guarantee.issuer,
        number=guarantee.number,
        amount=guarantee.amount,
        valid_from=guarantee.valid_from,
        valid_until=guarantee.valid_until,
        recorded_at=guarantee.recorded_at,
    )


def _refund_view(refund: repository.Refund) -> RefundView:
    return RefundView(
        id=refund.id,
        cause=refund.cause.value,
        citation=refund.citation,
        amount=refund.amount,
        guarantee_id=refund.guarantee_id,
        due_day=refund.due_day,
        state=refund.state.value,
        refunded_at=refund.refunded_at,
        refunded_late=refund.refunded_late,
    )
