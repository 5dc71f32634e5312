"""Read side of the tender procedure for the other domains (bidding, bonds, opening) and for the API.

`bidding_terms(conn, lot_id)` is what a bid for a lot is judged against. `accepting_bids` reflects the stored
state; a bid's use case must still compare the bid deadline with its clock's now() read inside its own committing
transaction (DESIGN principle 5) — pass `at=` to have it folded in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.tendering import tender_lots, tenders
from zhaocai.core.errors import NotFound
from zhaocai.tendering import codec
from zhaocai.tendering.model import State, TenderProject, accepts_applications


@dataclass(frozen=True)
class BiddingTerms:
    tender_id: str
    tender_number: str  # 招标项目编号
    lot_id: str
    lot_number: str  # 标段(包)编号
    lot_name: str
    tenderer_org_id: str
    agent_org_id: str | None
    method: str  # "open" | "invited"
    invitees: tuple[str, ...]  # organisation ids (invited tender only)
    prequalification: bool
    qualified_org_ids: tuple[str, ...]  # with prequalification: those that passed (only they may bid)
    state: str  # zhaocai.tendering.model.State value
    accepting_bids: bool  # documents issued / bidding open, not suspended, deadline not passed
    bid_deadline: datetime | None
    suite: str  # "gm" | "std"
    two_envelope: bool  # sections "technical" + "price", else one section "whole"
    backup_key_remedy: bool  # the tender documents announce the backup-key remedy (20号令31)
    estimate: Decimal
    bond_amount: Decimal
    rules_date: date | None


@dataclass(frozen=True)
class PrequalificationTerms:
    """What a prequalification application (sealed like a bid, 办法28) is judged against."""

    tender_id: str
    tender_number: str
    tenderer_org_id: str
    agent_org_id: str | None
    state: str
    accepting_applications: bool  # prequalification documents out, not suspended, applications not yet due
    applications_due: datetime | None
    suite: str
    backup_key_remedy: bool


BIDDING_STATES = (State.DOCUMENTS_ISSUED, State.BIDDING_OPEN)


@lru_cache(maxsize=512)
def _decoded(data: str) -> TenderProject:
    """The aggregate stored as `data`. Aggregates are frozen, so one decoded copy per stored text is shared: a burst
    of bids on one lot reads the same text hundreds of times."""
    return codec.loads(TenderProject, data)


def load_aggregate(conn: Connection, tender_id: str) -> TenderProject:
    data = conn.execute(select(tenders.c.data).where(tenders.c.id == tender_id)).scalar()
    if data is None:
        raise NotFound(f"no tender {tender_id}", field="tender_id")
    return _decoded(data)


def bidding_terms(
    conn: Connection, lot_id: str, *, at: datetime | None = None, share_lock: bool = False
) -> BiddingTerms:
    """The terms a bid for `lot_id` is judged against; NotFound if there is no such lot. With `at`, `accepting_bids`
    also requires `at` to be before the bid deadline.

    `share_lock` takes a shared lock on the tender's row until the caller's transaction ends (PostgreSQL
    `FOR SHARE`; SQLite serialises writers anyway). Bids hold it so that the scheduler's move to deadline_passed,
    which locks the row for update, waits for every bid already in flight to commit: the deadline checks then see
    them all."""
    query = (
        select(tender_lots.c.number, tenders.c.data)
        .join(tenders, tenders.c.id == tender_lots.c.tender_id)
        .where(tender_lots.c.id == lot_id)
    )
    if share_lock:
        query = query.with_for_update(read=True, of=tenders)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no lot {lot_id}", field="lot_id")
    tender = _decoded(row.data)
    lot = tender.lot(row.number)
    assert lot is not None, f"lot {row.number} is missing from tender {tender.id}'s aggregate"
    deadline = tender.schedule.bid_deadline
    accepting = tender.state in BIDDING_STATES and deadline is not None and (at is None or at < deadline)
    return BiddingTerms(
        tender_id=tender.id,
        tender_number=tender.number,
        lot_id=lot_id,
        lot_number=lot.number,
        lot_name=lot.name,
        tenderer_org_id=tender.tenderer_org_id,
        agent_org_id=tender.agent_org_id,
        method=tender.method.value,
        invitees=tender.invitees,
        prequalification=tender.prequalification,
        qualified_org_ids=tender.qualified_org_ids,
        state=tender.state.value,
        accepting_bids=accepting,
        bid_deadline=deadline,
        suite=tender.suite.value,
        two_envelope=tender.two_envelope,
        backup_key_remedy=tender.backup_key_remedy,
        estimate=lot.estimate,
        bond_amount=lot.bond_amount,
        rules_date=tender.rules_date,
    )


def prequalification_terms(conn: Connection, tender_id: str, *, at: datetime | None = None) -> PrequalificationTerms:
    tender = load_aggregate(conn, tender_id)
    due = tender.schedule.applications_due
    if at is not None:
        accepting = accepts_applications(tender, at)
    else:
        accepting = tender.state is State.PREQUALIFICATION and due is not None
    return PrequalificationTerms(
        tender_id=tender.id,
        tender_number=tender.number,
        tenderer_org_id=tender.tenderer_org_id,
        agent_org_id=tender.agent_org_id,
        state=tender.state.value,
        accepting_applications=accepting,
        applications_due=due,
        suite=tender.suite.value,
        backup_key_remedy=tender.backup_key_remedy,
    )


def tender_lot_ids(conn: Connection, tender_id: str) -> list[str]:
    """The tender's lot ids in lot order; NotFound if there is no such tender."""
    if conn.execute(select(tenders.c.id).where(tenders.c.id == tender_id)).first() is None:
        raise NotFound(f"no tender {tender_id}", field="tender_id")
    query = select(tender_lots.c.id).where(tender_lots.c.tender_id == tender_id).order_by(tender_lots.c.seq)
    return list(conn.execute(query).scalars())


def tender_parties(conn: Connection, tender_id: str) -> frozenset[str]:
    """The organisations on the tender side: the tenderer and, if it appointed one, the agency."""
    row = conn.execute(
        select(tenders.c.tenderer_org_id, tenders.c.agent_org_id).where(tenders.c.id == tender_id)
    ).first()
    if row is None:
        raise NotFound(f"no tender {tender_id}", field="tender_id")
    return frozenset(org for org in (row.tenderer_org_id, row.agent_org_id) if org)
