"""The lot's bidders after opening (from opening's read side): who gets result notices and bond refunds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

if TYPE_CHECKING:
    from zhaocai.opening.queries import OpenedBid


def opened_bids(conn: Connection, lot_id: str) -> list[OpenedBid]:
    from zhaocai.opening.queries import opened_bids as opening_bids

    return opening_bids(conn, lot_id)


def bidder_org_ids(conn: Connection, lot_id: str) -> list[str]:
    """Every organisation that bid for the lot (a consortium by its lead), once, in a stable order."""
    return sorted({bid.bidder_org_id for bid in opened_bids(conn, lot_id)})
