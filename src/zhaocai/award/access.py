"""Who may act on a lot's award: the tender side (its tenderer or appointed agency) for the tenderer's acts; a
verified bidder organisation for objections; the winner for its side of the contract."""

from __future__ import annotations

from datetime import datetime

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award.context import LotContext, load_lot
from zhaocai.core.actor import Actor
from zhaocai.tendering.access import require_bidder, require_tender_party
from zhaocai.tendering.queries import bidding_terms, load_aggregate

__all__ = ["require_bidder", "tender_side_lot"]


def tender_side_lot(uow: UnitOfWork, actor: Actor, lot_id: str, *, at: datetime, action: str) -> LotContext:
    """The lot's award context, for the tender side only: anyone else is refused before learning how far the lot
    has come (whether its report is closed, its publicity out, its award made)."""
    terms = bidding_terms(uow.conn, lot_id)
    require_tender_party(uow, actor, load_aggregate(uow.conn, terms.tender_id), action=action)
    return load_lot(uow.conn, lot_id, at=at)
