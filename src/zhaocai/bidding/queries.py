"""What may be read about bids, by whom, when (DESIGN principle 4).

Before the deadline a bidder reads its own bid and nothing else; everyone else — tenderer, agency, platform staff,
supervisors, other bidders — is refused any list or count, with the same words whatever has happened, so that
not even the refusal varies with other bidders' activity. After the deadline the tender side, supervisors and
platform operators may list the bids (opening comes in the next stage). Prequalification applications are kept
the same way until they are due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.bidding import repository
from zhaocai.bidding.checks import APPLICATION_CITATION, SECRECY_CITATION
from zhaocai.bidding.repository import APPLICATIONS, BIDS, BidStatus, Ledger, StoredBid, StoredVersion, StoredWithdrawal
from zhaocai.bidding.targets import application_target
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotFound
from zhaocai.identity.access import is_system
from zhaocai.tendering.queries import bidding_terms, tender_parties

AFTER_DEADLINE_ROLES = frozenset({"supervisor", "platform_operator", "audit_admin"})
PROOF_READER_ROLES = frozenset({"audit_admin", "supervisor"})
COUNTED = (BidStatus.SUBMITTED, BidStatus.VOID)


def secret_until_deadline() -> Forbidden:
    return Forbidden(
        "bids, their number and who submitted them are secret until the bid deadline: before it, no one but each "
        "bidder (about its own bid) may see them",
        field="lot_id",
        code="secret_until_deadline",
        citation=SECRECY_CITATION,
    )


@dataclass(frozen=True)
class MyBid:
    bid: StoredBid
    versions: list[StoredVersion]
    withdrawals: list[StoredWithdrawal]


@dataclass(frozen=True)
class Listed:
    """A bid (or application) as the tender's side sees it after the deadline: with the parties of its consortium
    (lead first; () for a single bidder)."""

    bid: StoredBid
    consortium_org_ids: tuple[str, ...]


def _listed(conn: Connection, heads: list[StoredBid], ledger: Ledger) -> list[Listed]:
    members = repository.members_of(conn, [head.latest_version_id for head in heads], ledger=ledger)
    return [Listed(head, tuple(members.get(head.latest_version_id, ()))) for head in heads]


def my_bid(conn: Connection, actor: Actor, lot_id: str) -> MyBid:
    """The acting organisation's own bid on the lot, every version and withdrawal with its receipt."""
    bidding_terms(conn, lot_id)  # NotFound for a lot that does not exist
    bid = repository.bid_for(conn, lot_id, actor.org_id) if actor.org_id else None
    if bid is None:
        raise NotFound("your organisation has not bid on this lot", field="lot_id", code="no_bid")
    return MyBid(bid, repository.versions_of(conn, bid.id), repository.withdrawals_of(conn, bid.id))


def _after_deadline(conn: Connection, lot_id: str, at: datetime) -> Any:
    terms = bidding_terms(conn, lot_id)
    if terms.bid_deadline is None or at < terms.bid_deadline:
        raise secret_until_deadline()
    return terms


def _may_list(conn: Connection, actor: Actor, tender_id: str) -> None:
    if is_system(actor) or actor.has_role(*AFTER_DEADLINE_ROLES):
        return
    if actor.org_id is not None and actor.org_id in tender_parties(conn, tender_id):
        return
    raise Forbidden(
        "the bids on a lot are listed for the tenderer, its agency, supervisors and platform operators",
        field="role",
        code="role",
    )


def bid_count_after_deadline(conn: Connection, lot_id: str, at: datetime) -> int:
    """How many bids the lot received (not withdrawn; void ones included — they were received), refused before the
    deadline. For opening (条例44: fewer than 3, no opening)."""
    _after_deadline(conn, lot_id, at)
    return repository.count_bids(conn, lot_id, COUNTED)


def count_bids(conn: Connection, actor: Actor, lot_id: str, at: datetime) -> int:
    terms = _after_deadline(conn, lot_id, at)
    _may_list(conn, actor, terms.tender_id)
    return repository.count_bids(conn, lot_id, COUNTED)


def list_bids(conn: Connection, actor: Actor, lot_id: str, at: datetime) -> list[Listed]:
    terms = _after_deadline(conn, lot_id, at)
    _may_list(conn, actor, terms.tender_id)
    return _listed(conn, repository.bids_of_lot(conn, lot_id), BIDS)


def check_proof_reader(conn: Connection, actor: Actor, entry_id: str) -> None:
    """A receipt's inclusion proof is for the organisation whose action the entry records (and auditors); to anyone
    else the entry does not exist."""
    org_id = conn.execute(select(audit_entries.c.org_id).where(audit_entries.c.entry_id == entry_id)).first()
    if org_id is not None and (
        is_system(actor) or actor.has_role(*PROOF_READER_ROLES) or (actor.org_id and org_id[0] == actor.org_id)
    ):
        return
    raise NotFound(f"no audit entry {entry_id} of yours", field="entry_id")


# prequalification applications (sealed like bids, 电子招标投标办法28; as secret as bids until they are due)


def my_application(conn: Connection, actor: Actor, tender_id: str) -> MyBid:
    """The acting organisation's own prequalification application to the tender, every version and withdrawal with
    its receipt."""
    target = application_target(conn, tender_id)  # NotFound / no_prequalification
    application = (
        repository.bid_for(conn, target.lot_id, actor.org_id, ledger=APPLICATIONS, tender_id=tender_id)
        if actor.org_id
        else None
    )
    if application is None:
        raise NotFound(
            "your organisation has not applied for this tender's prequalification", field="tender_id", code="no_bid"
        )
    return MyBid(
        application,
        repository.versions_of(conn, application.id, ledger=APPLICATIONS),
        repository.withdrawals_of(conn, application.id, ledger=APPLICATIONS),
    )


def list_applications(conn: Connection, actor: Actor, tender_id: str, at: datetime) -> list[Listed]:
    """Who applied, each consortium with its parties (what the prequalification review checks, 条例37) — once
    applications are due, for the tender's side, supervisors and platform operators."""
    target = application_target(conn, tender_id)
    if target.deadline is None or at < target.deadline:
        raise Forbidden(
            "prequalification applications, their number and who submitted them are secret until applications are "
            "due: before then, no one but each applicant (about its own application) may see them",
            field="tender_id",
            code="secret_until_deadline",
            citation=f"{SECRECY_CITATION}; {APPLICATION_CITATION}",
        )
    _may_list(conn, actor, tender_id)
    return _listed(conn, repository.applications_of_tender(conn, tender_id), APPLICATIONS)
