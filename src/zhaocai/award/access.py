"""Who may act on a lot's award: the tender side (its tenderer or appointed agency) for the tenderer's acts; a
verified bidder organisation for objections; the winner for its side of the contract."""

from __future__ import annotations

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award.context import LotContext
from zhaocai.core.actor import Actor
from zhaocai.tendering.access import require_bidder, require_tender_party

__all__ = ["require_bidder", "require_tender_side"]


def require_tender_side(uow: UnitOfWork, actor: Actor, ctx: LotContext, *, action: str) -> None:
    require_tender_party(uow, actor, ctx.tender, action=action)
