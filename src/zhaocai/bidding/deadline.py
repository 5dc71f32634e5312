"""At the bid deadline, in the transaction that moves the tender to `deadline_passed` (the tendering scheduler calls
`run_deadline_checks` as a deadline handler): the checks whose outcome would reveal another bidder, and so were not
made at submission (DESIGN principle 4), void every bid they concern:

- 条例34: two bids on the same lot from organisations with the same legal representative (单位负责人) or in a
  holding or management relationship — both void;
- 条例37: a consortium member (联合体各方) that also bids alone or in another consortium in the same tender
  project — all the bids concerned void.

Each voided bid gets its status, reason and citation, and an audit entry of its own. Running it twice changes
nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from itertools import product

from sqlalchemy import Connection

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.audit.entries import record_entry
from zhaocai.bidding import repository
from zhaocai.bidding.checks import CONSORTIUM_OVERLAP_CITATION, SAME_REPRESENTATIVE_CITATION
from zhaocai.bidding.repository import BidStatus, StoredBid
from zhaocai.core.actor import SYSTEM
from zhaocai.identity import repository as identity_repository

VOID_ACTION = "bidding.void_bid"
_RELATION_WORDS = {
    "same_legal_representative": "have the same legal representative (单位负责人为同一人)",
    "control_relationship": "are in a holding or management relationship (存在控股、管理关系)",
}


def _parties(conn: Connection, submitted: list[StoredBid]) -> dict[str, frozenset[str]]:
    """bid id -> the organisations behind it (the bidder, or every party of its consortium)."""
    members = repository.members_of(conn, [bid.latest_version_id for bid in submitted])
    return {bid.id: frozenset(members.get(bid.latest_version_id) or [bid.bidder_org_id]) for bid in submitted}


def _code(conn: Connection, org_id: str, cache: dict[str, str]) -> str:
    if org_id not in cache:
        org = identity_repository.get_organisation(conn, org_id)
        cache[org_id] = org.credit_code if org else org_id
    return cache[org_id]


def related_bids(
    conn: Connection, submitted: list[StoredBid], parties: dict[str, frozenset[str]]
) -> dict[str, set[tuple[str, str]]]:
    """bid id -> {(reason, citation)} for every bid 条例34 or 条例37 voids."""
    from zhaocai.credit.queries import related_pairs  # credit records: another domain

    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    codes: dict[str, str] = {}
    by_lot: dict[str, list[StoredBid]] = defaultdict(list)
    for bid in submitted:
        by_lot[bid.lot_id].append(bid)
    for lot_bids in by_lot.values():
        organisations = set().union(*(parties[bid.id] for bid in lot_bids))
        for first, second, relation in related_pairs(conn, organisations):
            holders = (
                [b for b in lot_bids if first in parties[b.id]],
                [b for b in lot_bids if second in parties[b.id]],
            )
            for x, y in product(*holders):
                if x.id == y.id:
                    continue
                reason = (
                    f"{_code(conn, first, codes)} and {_code(conn, second, codes)} "
                    f"{_RELATION_WORDS.get(relation, relation)} and bid the same lot: all the bids concerned are void"
                )
                found[x.id].add((reason, SAME_REPRESENTATIVE_CITATION))
                found[y.id].add((reason, SAME_REPRESENTATIVE_CITATION))
    for consortium in (bid for bid in submitted if len(parties[bid.id]) > 1):
        for member in sorted(parties[consortium.id]):
            for other in submitted:
                if other.id != consortium.id and member in parties[other.id]:
                    how = "alone" if len(parties[other.id]) == 1 else "in another consortium"
                    reason = (
                        f"consortium member {_code(conn, member, codes)} also bids {how} in the same tender: "
                        "all the bids concerned are void"
                    )
                    found[consortium.id].add((reason, CONSORTIUM_OVERLAP_CITATION))
                    found[other.id].add((reason, CONSORTIUM_OVERLAP_CITATION))
    return found


def run_deadline_checks(uow: UnitOfWork, tender_id: str, deadline: datetime) -> None:
    submitted = repository.bids_of_tender(uow.conn, tender_id, status=BidStatus.SUBMITTED)
    if len(submitted) < 2:
        return
    parties = _parties(uow.conn, submitted)
    now = uow.clock.now()
    for bid_id, grounds in sorted(related_bids(uow.conn, submitted, parties).items()):
        reason = "; ".join(sorted(reason for reason, _ in grounds))[:4000]
        citation = ", ".join(sorted({citation for _, citation in grounds}))
        if repository.mark_void(uow.conn, bid_id, reason=reason, citation=citation, at=now):
            record_entry(
                uow.conn,
                occurred_at=now,
                actor=SYSTEM,
                action=VOID_ACTION,
                outcome="ok",
                object_type="bid",
                object_id=bid_id,
                reason=f"{citation}: {reason}"[:1000],
            )
