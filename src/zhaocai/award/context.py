"""What an award act needs to know of its lot: the tender (from tendering), the rules that govern it, the closed
evaluation report (from evaluation), and where the lot's award stands (from this package's records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from zhaocai.award import repository
from zhaocai.award.model.progress import Act, Stage, allow
from zhaocai.core.errors import Conflict, NotFound
from zhaocai.identity import repository as identity_repository
from zhaocai.identity.model import Organisation
from zhaocai.rules import Rule, packaged_rules
from zhaocai.tendering.model import Lot, RuleBook, TenderProject, book_for
from zhaocai.tendering.queries import BiddingTerms, bidding_terms, load_aggregate

if TYPE_CHECKING:
    from zhaocai.evaluation.queries import Candidate, EvaluationReport


@dataclass(frozen=True)
class LotContext:
    terms: BiddingTerms
    tender: TenderProject
    lot: Lot
    book: RuleBook
    report: EvaluationReport
    stage: Stage
    publicity: repository.PublicityRow | None
    award: repository.AwardRow | None

    @property
    def lot_id(self) -> str:
        return self.terms.lot_id

    def governing(self, key: str) -> Rule | None:
        return self.book.governing(key)

    def allow(self, act: Act) -> Stage:
        return allow(self.stage, act)

    def candidate(self, bid_id: str) -> Candidate:
        found = next((c for c in self.report.candidates if c.bid_id == bid_id), None)
        if found is None:
            raise NotFound(f"bid {bid_id} is not a candidate of the evaluation report", field="bid_id")
        return found

    @property
    def first_ranked_rule(self) -> bool:
        """条例55: a project that must be tendered and in which state funds hold control awards the first-ranked."""
        return self.tender.mandatory and self.tender.state_controlled


def final_report(conn: Connection, lot_id: str) -> EvaluationReport:
    from zhaocai.evaluation.queries import final_report as evaluation_report

    report = evaluation_report(conn, lot_id)
    if report is None:
        raise Conflict(
            "the lot has no closed evaluation report (评标报告) yet", field="lot_id", code="no_evaluation_report"
        )
    return report


def stage_of(publicity: repository.PublicityRow | None, award: repository.AwardRow | None, signed: bool) -> Stage:
    if signed:
        return Stage.CONTRACTED
    if award is not None:
        return Stage.NOTIFIED if award.notices_sent_at is not None else Stage.AWARDED
    return Stage.PUBLICISED if publicity is not None else Stage.REPORTED


def load_lot(conn: Connection, lot_id: str, *, at: datetime) -> LotContext:
    """NotFound for an unknown lot; Conflict while it has no closed evaluation report."""
    terms = bidding_terms(conn, lot_id)
    tender = load_aggregate(conn, terms.tender_id)
    lot = tender.lot(terms.lot_number)
    assert lot is not None
    report = final_report(conn, lot_id)
    publicity = repository.publicity_of_report(conn, lot_id, report.id)
    award = repository.award_of_lot(conn, lot_id)
    contract = repository.contract_of_lot(conn, lot_id)
    signed = contract is not None and contract.signed_at is not None
    return LotContext(
        terms=terms,
        tender=tender,
        lot=lot,
        book=book_for(tender, packaged_rules(), at=at),
        report=report,
        stage=stage_of(publicity, award, signed),
        publicity=publicity,
        award=award,
    )


def organisation(conn: Connection, org_id: str) -> Organisation:
    org = identity_repository.get_organisation(conn, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}", field="org_id")
    return org
