"""Who may be drawn for a lot: the active pool in the draw's regions, less everyone recused (with the reasons)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from zhaocai.experts import repository
from zhaocai.experts.model import DrawParties, in_regions, recusals
from zhaocai.experts.selection import PoolEntry, pool_snapshot
from zhaocai.identity import repository as identity


def lot_parties(conn: Connection, lot_id: str, tender_side: frozenset[str]) -> DrawParties:
    """The lot's bidders after the deadline (submitted or void; every consortium member) and the tender side."""
    from zhaocai.bidding import repository as bids  # lazily: experts reads bidding only here
    from zhaocai.bidding.repository import BidStatus

    found = [bid for bid in bids.bids_of_lot(conn, lot_id) if bid.status in (BidStatus.SUBMITTED, BidStatus.VOID)]
    orgs = {bid.bidder_org_id for bid in found}
    for members in bids.members_of(conn, [bid.latest_version_id for bid in found]).values():
        orgs.update(members)
    codes = set()
    for org_id in orgs:
        org = identity.get_organisation(conn, org_id)
        if org is not None:
            codes.add(org.credit_code)
    return DrawParties(bidders=frozenset(orgs), bidder_credit_codes=frozenset(codes), tender_side=tender_side)


@dataclass(frozen=True)
class EligiblePool:
    snapshot: list[dict[str, object]]
    recusals: list[dict[str, str]]  # one row per (expert, reason), sorted


def eligible_pool(
    conn: Connection, parties: DrawParties, *, regions: tuple[str, ...], evaluation_at: datetime
) -> EligiblePool:
    entries: list[PoolEntry] = []
    recused: list[dict[str, str]] = []
    for facts in repository.active_experts_facts(conn):
        if not in_regions(facts.region_code, regions):
            continue
        reasons = recusals(facts, parties, evaluation_at)
        if reasons:
            recused += [{"expert_id": facts.expert_id, "reason": code.value, "detail": d} for code, d in reasons]
        else:
            entries.append(PoolEntry(facts.expert_id, facts.specialties, facts.region_code))
    recused.sort(key=lambda item: (item["expert_id"], item["reason"]))
    return EligiblePool(snapshot=pool_snapshot(entries), recusals=recused)
