"""What a sealed envelope is submitted to: a lot (a bid) or a tender's prequalification (an application, sealed and
submitted exactly like a bid, 电子招标投标办法28). One intake path serves both; a `Target` carries what differs —
the terms the header is checked against, the deadline and its citation, who may submit, and where it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from zhaocai.bidding.checks import (
    APPLICATION_CITATION,
    APPLICATIONS_DUE_CITATION,
    DEADLINE_CITATION,
    check_before_deadline,
    check_may_bid,
)
from zhaocai.bidding.repository import APPLICATIONS, BIDS, Ledger
from zhaocai.core.errors import Conflict
from zhaocai.tendering.queries import bidding_terms, load_aggregate, prequalification_terms

# The envelope header's lot_id for a prequalification application (docs/envelope.md §4).
PREQUALIFICATION_LOT = "prequalification"


@dataclass(frozen=True)
class Target:
    kind: str  # "bid" | "application"
    target_id: str  # the lot id, or the tender id for an application
    lot_id: str  # what the envelope header must name as its lot_id
    tender_id: str
    suite: str
    two_envelope: bool
    backup_key_remedy: bool
    deadline: datetime | None
    accepting: bool  # the stored state takes submissions (the deadline is checked on its own)
    state: str
    deadline_citation: str
    ledger: Ledger
    check_may_submit: Callable[[str], None]  # org id -> refuses an organisation that may not submit here
    prequalified: bool = False  # a bid on a tender with prequalification (its parties are those that applied)

    @property
    def tender_filter(self) -> str | None:
        """The tender a submission's row is looked up in (applications share one header lot_id across tenders)."""
        return self.tender_id if self.kind == "application" else None

    def check_accepting(self, now: datetime) -> None:
        self.check_before_deadline(now)
        if not self.accepting:
            raise self.not_accepting()

    def check_before_deadline(self, now: datetime) -> None:
        check_before_deadline(now, self.deadline, what=self.kind, citation=self.deadline_citation)

    def not_accepting(self) -> Conflict:
        if self.kind == "bid":
            return Conflict(
                f"lot {self.target_id} is not taking bids (the tender is {self.state})",
                field="lot_id",
                code="not_accepting_bids",
            )
        return Conflict(
            f"tender {self.tender_id} is not taking prequalification applications (the tender is {self.state})",
            field="tender_id",
            code="not_accepting_applications",
            citation=APPLICATION_CITATION,
        )


def bid_target(conn: Connection, lot_id: str) -> Target:
    terms = bidding_terms(conn, lot_id)
    return Target(
        kind="bid",
        target_id=lot_id,
        lot_id=lot_id,
        tender_id=terms.tender_id,
        suite=terms.suite,
        two_envelope=terms.two_envelope,
        backup_key_remedy=terms.backup_key_remedy,
        deadline=terms.bid_deadline,
        accepting=terms.accepting_bids,
        state=terms.state,
        deadline_citation=DEADLINE_CITATION,
        ledger=BIDS,
        check_may_submit=lambda org_id: check_may_bid(terms, org_id),
        prequalified=terms.prequalification,
    )


def application_target(conn: Connection, tender_id: str) -> Target:
    """NotFound for no such tender; Conflict (办法28) for a tender that has no prequalification."""
    if not load_aggregate(conn, tender_id).prequalification:
        raise Conflict(
            f"tender {tender_id} has no prequalification (资格预审): there are no applications to submit; bid on "
            "its lots once the tender documents are issued",
            field="tender_id",
            code="no_prequalification",
            citation=APPLICATION_CITATION,
        )
    terms = prequalification_terms(conn, tender_id)
    return Target(
        kind="application",
        target_id=tender_id,
        lot_id=PREQUALIFICATION_LOT,
        tender_id=tender_id,
        suite=terms.suite,
        two_envelope=False,
        backup_key_remedy=terms.backup_key_remedy,
        deadline=terms.applications_due,
        accepting=terms.accepting_applications,
        state=terms.state,
        deadline_citation=APPLICATIONS_DUE_CITATION,
        ledger=APPLICATIONS,
        check_may_submit=lambda org_id: None,  # any market subject not restricted may apply (条例19 decides later)
    )


TargetLoader = Callable[[Any, str], Target]  # (connection, lot or tender id) -> the target, or NotFound / Conflict
