"""Read side of the award for the other domains (archive, credit, analytics) — issue 4's contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.award import award_contracts, award_decisions


@dataclass(frozen=True)
class AwardOutcome:
    lot_id: str
    winner_bid_id: str
    winner_org_id: str
    price: Decimal
    awarded_at: datetime
    contract_signed_at: datetime | None


def award_outcome(conn: Connection, lot_id: str) -> AwardOutcome | None:
    """The lot's award (确定中标人) and when its contract was signed by both parties; None until it is awarded."""
    row = conn.execute(
        select(award_decisions, award_contracts.c.signed_at)
        .outerjoin(award_contracts, award_contracts.c.award_id == award_decisions.c.id)
        .where(award_decisions.c.lot_id == lot_id)
    ).first()
    if row is None:
        return None
    return AwardOutcome(
        lot_id=row.lot_id,
        winner_bid_id=row.winner_bid_id,
        winner_org_id=row.winner_org_id,
        price=Decimal(row.price),
        awarded_at=row.decided_at,
        contract_signed_at=row.signed_at,
    )
