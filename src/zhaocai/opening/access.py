"""Who may read what of an opening (docs/opening.md): the opening record is published once its session closes;
the opened bids and their files are for the tender side, supervisors and platform operators, and the ACTIVE members
of THAT lot's evaluation committee (zhaocai.experts.queries.active_member); each bidder reads its own."""

from __future__ import annotations

from sqlalchemy import Connection

from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden
from zhaocai.identity.access import is_system
from zhaocai.opening.queries import OpenedBid
from zhaocai.tendering.queries import bidding_terms, tender_parties

OVERSIGHT_ROLES = frozenset({"supervisor", "platform_operator", "audit_admin"})
COMMITTEE_CITATION = "招标投标法44; 电子招标投标办法33"


def _on_committee(conn: Connection, lot_id: str, user_id: str | None) -> bool:
    if user_id is None:
        return False
    try:
        from zhaocai.experts.queries import active_member
    except ImportError:  # the expert pool is not installed on this platform
        return False
    return active_member(conn, lot_id, user_id) is not None


def reads_every_bid(conn: Connection, actor: Actor, lot_id: str) -> bool:
    """Whether `actor` may read every opened bid of the lot."""
    terms = bidding_terms(conn, lot_id)
    if is_system(actor) or actor.has_role(*OVERSIGHT_ROLES):
        return True
    if actor.org_id is not None and actor.org_id in tender_parties(conn, terms.tender_id):
        return True
    return _on_committee(conn, lot_id, actor.user_id)


def owns(actor: Actor, bid: OpenedBid) -> bool:
    return actor.org_id is not None and actor.org_id in {bid.bidder_org_id, *bid.consortium_org_ids}


def visible_bids(conn: Connection, actor: Actor, lot_id: str, found: list[OpenedBid]) -> list[OpenedBid]:
    if reads_every_bid(conn, actor, lot_id):
        return found
    own = [bid for bid in found if owns(actor, bid)]
    if own:
        return own
    raise Forbidden(
        "the opened bids of a lot are read by the tender side, supervisors, platform operators and the active members "
        "of that lot's evaluation committee; a bidder reads its own",
        field="lot_id",
        code="not_on_committee" if actor.has_role("expert") else "role",
        citation=COMMITTEE_CITATION,
    )
