"""One opened bid as the evaluation sees it. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class BidEntry:
    """One opened bid as the evaluation sees it; `excluded` carries the reason a bid no longer competes."""

    bid_id: str
    bidder_org_id: str
    outcome: str
    price: str | None = None  # as opened (figures)
    price_in_words: str | None = None
    corrected_price: str | None = None  # after a confirmed arithmetic correction
    project_manager: str | None = None
    project_manager_certificate: str | None = None
    duration_days: int | None = None
    quality: str | None = None
    missing_declarations: list[str] = field(default_factory=list)
    excluded: str | None = None
    excluded_citation: str | None = None

    @property
    def valid(self) -> bool:
        return self.excluded is None

    @property
    def effective_price(self) -> Decimal | None:
        value = self.corrected_price or self.price
        return None if value is None else Decimal(value)
