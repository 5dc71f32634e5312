"""What the bonds domain needs to know of a lot: its bidding terms (from tendering), the rules that govern its tender,
and the checks that follow from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from zhaocai.core.errors import DomainError
from zhaocai.identity import repository as identity_repository
from zhaocai.rules import packaged_rules
from zhaocai.rules.periods import local
from zhaocai.tendering.model import RuleBook, TenderProject, book_for, check_bond_amount
from zhaocai.tendering.queries import BiddingTerms, bidding_terms, load_aggregate


@dataclass(frozen=True)
class LotBond:
    terms: BiddingTerms
    tender: TenderProject
    book: RuleBook

    @property
    def required(self):  # type: ignore[no-untyped-def]
        return self.terms.bond_amount

    @property
    def deadline(self) -> datetime | None:
        return self.terms.bid_deadline

    def deadline_passed(self, now: datetime) -> bool:
        return self.terms.bid_deadline is not None and now >= self.terms.bid_deadline

    def requirement_error(self) -> DomainError | None:
        """The bond the lot asks for, checked again against the rules (≤2% of the estimate, 条例26; the works cap)
        when money arrives: the tender's check at creation is not trusted blindly."""
        try:
            check_bond_amount(self.terms.bond_amount, self.terms.estimate, self.book)
        except DomainError as error:
            return error
        return None

    def cover_until(self) -> date:
        """The last day a guarantee must stay in force: the end of the bid validity period (条例26). The tender
        model does not record the validity period (投标有效期) yet, so this is the deadline's own day until it does."""
        assert self.terms.bid_deadline is not None
        return local(self.terms.bid_deadline).date()

    def tenderer_name(self, conn: Connection) -> str:
        org = identity_repository.get_organisation(conn, self.terms.tenderer_org_id)
        return org.name if org else ""


def lot_bond(conn: Connection, lot_id: str, *, at: datetime) -> LotBond:
    """NotFound if there is no such lot."""
    terms = bidding_terms(conn, lot_id, at=at)
    tender = load_aggregate(conn, terms.tender_id)
    return LotBond(terms=terms, tender=tender, book=book_for(tender, packaged_rules(), at=at))


class LotCache:
    """Lots looked up once per import (a statement names few lots many times)."""

    def __init__(self, conn: Connection, at: datetime) -> None:
        self.conn = conn
        self.at = at
        self._lots: dict[str, LotBond] = {}

    def __call__(self, lot_id: str) -> LotBond:
        if lot_id not in self._lots:
            self._lots[lot_id] = lot_bond(self.conn, lot_id, at=self.at)
        return self._lots[lot_id]
