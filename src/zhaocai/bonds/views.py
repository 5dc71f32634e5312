"""Who may see which bond data (DESIGN principle 4; 法22, 20号令27).

- Before a lot's bid deadline only the bidder itself sees its own bond. Anyone else asking about any bidder's bond
  on the lot — tenderer, agency, operator, supervisor, another bidder — gets the same refusal, whatever was paid.
- After the deadline, the tender's tenderer or agency, the platform operator and supervisors read every bond.
- The platform operator handles money by bank transaction: statement rows not accepted are listed by their bank
  reference; a row tied to a lot shows its lot, bidder and reason only once that lot's deadline has passed. Refunds
  due are listed the same way.
Refusals are raised for the caller to audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection

from zhaocai.bidding.checks import SECRECY_CITATION
from zhaocai.bonds import repository
from zhaocai.bonds.lots import LotCache, lot_bond
from zhaocai.bonds.model import BasicAccount
from zhaocai.bonds.queries import BondStatus, bidders_with_bonds, bond_status
from zhaocai.bonds.statement import Problem
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotFound
from zhaocai.identity.access import is_system, require_role
from zhaocai.identity.model import Role
from zhaocai.tendering.access import is_tender_party

OPERATOR = Role.PLATFORM_OPERATOR.value
STAFF_READERS = (Role.PLATFORM_OPERATOR.value, Role.SUPERVISOR.value)


def secret_until_deadline() -> Forbidden:
    return Forbidden(
        "bond payments are secret until the bid deadline: before it, only a bidder sees its own bond "
        f"({SECRECY_CITATION})",
        field="lot_id",
        code="secret_until_deadline",
        citation=SECRECY_CITATION,
    )


def own_bond(conn: Connection, actor: Actor, lot_id: str) -> BondStatus:
    if actor.org_id is None:
        raise Forbidden(
            "a bond is a market subject's: log in as one of its users", field="org_id", code="no_organisation"
        )
    return bond_status(conn, lot_id, actor.org_id)


def bond_of(conn: Connection, actor: Actor, lot_id: str, org_id: str, now: datetime) -> BondStatus:
    if actor.org_id is not None and actor.org_id == org_id:
        return bond_status(conn, lot_id, org_id)
    _require_lot_reader(conn, actor, lot_id, now)
    return bond_status(conn, lot_id, org_id)


def lot_bonds(conn: Connection, actor: Actor, lot_id: str, now: datetime) -> list[BondStatus]:
    _require_lot_reader(conn, actor, lot_id, now)
    return [bond_status(conn, lot_id, org_id) for org_id in bidders_with_bonds(conn, lot_id)]


def _require_lot_reader(conn: Connection, actor: Actor, lot_id: str, now: datetime) -> None:
    lot = lot_bond(conn, lot_id, at=now)
    if not lot.deadline_passed(now):
        raise secret_until_deadline()
    if is_system(actor) or actor.has_role(*STAFF_READERS) or is_tender_party(actor, lot.tender):
        return
    raise Forbidden(
        "a lot's bonds are read by the tender's tenderer or agency, the platform operator and supervisors",
        field="lot_id",
        code="not_a_lot_reader",
    )


def basic_account_of(conn: Connection, actor: Actor, org_id: str) -> BasicAccount:
    if not (is_system(actor) or actor.has_role(*STAFF_READERS) or actor.org_id == org_id):
        raise Forbidden(
            "an organisation's basic account is read by its own users, the platform operator and supervisors",
            field="org_id",
            code="other_organisation",
        )
    found = repository.basic_account(conn, org_id)
    if found is None:
        raise NotFound(f"no basic account is recorded for organisation {org_id}", field="org_id")
    return found


# --- the operator's work lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnresolvedRow:
    """A credit not accepted as a bond. Before its lot's deadline only `bank_reference` and where it stands in which
    statement are shown; the rest is None."""

    bank_reference: str
    statement_id: str
    row_number: int
    status: str | None
    reason_code: str | None
    reason: str | None
    citation: str | None
    lot_id: str | None
    bidder_org_id: str | None


@dataclass(frozen=True)
class StatementView:
    statement: repository.Statement
    problems: tuple[Problem, ...]
    unresolved: tuple[UnresolvedRow, ...]


def _unresolved(conn: Connection, payments: list[repository.Payment], now: datetime) -> tuple[UnresolvedRow, ...]:
    lots = LotCache(conn, now)
    shown = []
    for p in payments:
        hidden = p.lot_id is not None and not lots(p.lot_id).deadline_passed(now)
        where = (p.bank_reference, p.statement_id, p.row_number)
        if hidden:
            shown.append(UnresolvedRow(*where, None, None, None, None, None, None))
        else:
            shown.append(
                UnresolvedRow(*where, p.status.value, p.reason_code, p.reason, p.citation, p.lot_id, p.bidder_org_id)
            )
    return tuple(shown)


def statement_view(conn: Connection, actor: Actor, statement_id: str, now: datetime) -> StatementView:
    require_role(actor, OPERATOR, action="reading an imported bank statement")
    statement = repository.get_statement(conn, statement_id)
    return StatementView(
        statement=statement,
        problems=tuple(repository.statement_problems(conn, statement_id)),
        unresolved=_unresolved(conn, repository.unresolved_payments(conn, statement_id), now),
    )


def unresolved_view(conn: Connection, actor: Actor, now: datetime) -> tuple[UnresolvedRow, ...]:
    require_role(actor, OPERATOR, action="reading unresolved bond payments")
    return _unresolved(conn, repository.unresolved_payments(conn), now)


@dataclass(frozen=True)
class RefundWork:
    """A refund as the operator handles it: by bank transaction and amount; lot and bidder once the deadline passed."""

    id: str
    citation: str
    amount: Decimal
    due_day: date
    state: str
    payer_bank_references: tuple[str, ...]
    guarantee_issuer: str | None
    guarantee_number: str | None
    refunded_at: datetime | None
    refunded_late: bool | None
    lot_id: str | None
    bidder_org_id: str | None


def refunds_view(conn: Connection, actor: Actor, now: datetime, *, open_only: bool) -> list[RefundWork]:
    require_role(actor, OPERATOR, action="reading bond refunds")
    lots = LotCache(conn, now)
    return [_work(conn, refund, lots, now) for refund in repository.list_refunds(conn, open_only=open_only)]


def refund_view(conn: Connection, actor: Actor, refund_id: str, now: datetime) -> RefundWork:
    require_role(actor, OPERATOR, action="reading bond refunds")
    return _work(conn, repository.get_refund(conn, refund_id), LotCache(conn, now), now)


def _work(conn: Connection, refund: repository.Refund, lots: LotCache, now: datetime) -> RefundWork:
    guarantee = repository.get_guarantee(conn, refund.guarantee_id) if refund.guarantee_id else None
    revealed = lots(refund.lot_id).deadline_passed(now)
    return RefundWork(
        id=refund.id,
        citation=refund.citation,
        amount=refund.amount,
        due_day=refund.due_day,
        state=refund.state.value,
        payer_bank_references=tuple(p.bank_reference for p in repository.payments_of_refund(conn, refund.id)),
        guarantee_issuer=guarantee.issuer if guarantee else None,
        guarantee_number=guarantee.number if guarantee else None,
        refunded_at=refund.refunded_at,
        refunded_late=refund.refunded_late,
        lot_id=refund.lot_id if revealed else None,
        bidder_org_id=refund.bidder_org_id if revealed else None,
    )
