"""Rows of the evaluation tables, read and written for the use cases (adapters/db/tables/evaluation.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from zhaocai.adapters.db.tables.evaluation import (
    evaluation_clarifications,
    evaluation_plans,
    evaluation_reports,
    evaluation_sheets,
    evaluation_signatures,
    evaluation_time_claims,
    evaluations,
)
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import Conflict, NotFound
from zhaocai.core.ids import new_id
from zhaocai.evaluation.entries import BidEntry
from zhaocai.evaluation.plan import EvaluationPlan, plan_from_json
from zhaocai.evaluation.scoring import Sheet


def dumps(value: Any) -> str:
    return canonical_json(value).decode()


# plans


def load_plan(conn: Connection, lot_id: str) -> EvaluationPlan | None:
    text = conn.execute(select(evaluation_plans.c.plan).where(evaluation_plans.c.lot_id == lot_id)).scalar()
    return None if text is None else plan_from_json(json.loads(text))


def save_plan(
    conn: Connection, *, lot_id: str, tender_id: str, plan: EvaluationPlan, at: datetime, by: str | None
) -> int:
    revision = conn.execute(select(evaluation_plans.c.revision).where(evaluation_plans.c.lot_id == lot_id)).scalar()
    values = {"method": plan.method, "plan": dumps(plan.to_json()), "set_at": at, "set_by": by}
    if revision is None:
        conn.execute(insert(evaluation_plans).values(lot_id=lot_id, tender_id=tender_id, revision=1, **values))
        return 1
    conn.execute(
        update(evaluation_plans).where(evaluation_plans.c.lot_id == lot_id).values(revision=revision + 1, **values)
    )
    return revision + 1


# the evaluation of a lot


@dataclass
class Evaluation:
    id: str
    lot_id: str
    tender_id: str
    state: str
    stage: str
    chair_member_id: str | None
    bids: list[BidEntry]
    technical_passed: frozenset[str] | None
    extension_required_at: datetime | None
    extended_until: datetime | None
    started_at: datetime
    version: int

    def bid(self, bid_id: str) -> BidEntry:
        for entry in self.bids:
            if entry.bid_id == bid_id:
                return entry
        raise NotFound(f"no opened bid {bid_id} on this lot", field="bid_id")

    def competing(self) -> list[BidEntry]:
        """Bids still in the running in the current stage."""
        valid = [b for b in self.bids if b.valid]
        if self.stage == "price" and self.technical_passed is not None:
            valid = [b for b in valid if b.bid_id in self.technical_passed]
        return valid


def load_evaluation(conn: Connection, lot_id: str, *, for_update: bool = False) -> Evaluation | None:
    query = select(evaluations).where(evaluations.c.lot_id == lot_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        return None
    return Evaluation(
        id=row.id,
        lot_id=row.lot_id,
        tender_id=row.tender_id,
        state=row.state,
        stage=row.stage,
        chair_member_id=row.chair_member_id,
        bids=[BidEntry(**item) for item in json.loads(row.bids)],
        technical_passed=None
        if row.technical_passed is None
        else frozenset(b for b in row.technical_passed.split(",") if b),
        extension_required_at=row.extension_required_at,
        extended_until=row.extended_until,
        started_at=row.started_at,
        version=row.version,
    )


def _bids_json(evaluation: Evaluation) -> str:
    return dumps([entry.__dict__ for entry in evaluation.bids])


def insert_evaluation(conn: Connection, evaluation: Evaluation, *, by: str | None) -> None:
    conn.execute(
        insert(evaluations).values(
            id=evaluation.id,
            lot_id=evaluation.lot_id,
            tender_id=evaluation.tender_id,
            state=evaluation.state,
            stage=evaluation.stage,
            chair_member_id=evaluation.chair_member_id,
            bids=_bids_json(evaluation),
            technical_passed=None,
            started_at=evaluation.started_at,
            started_by=by,
            version=1,
        )
    )


def save_evaluation(conn: Connection, evaluation: Evaluation) -> None:
    passed = None if evaluation.technical_passed is None else ",".join(sorted(evaluation.technical_passed))
    result = conn.execute(
        update(evaluations)
        .where(evaluations.c.id == evaluation.id, evaluations.c.version == evaluation.version)
        .values(
            state=evaluation.state,
            stage=evaluation.stage,
            bids=_bids_json(evaluation),
            technical_passed=passed,
            extension_required_at=evaluation.extension_required_at,
            extended_until=evaluation.extended_until,
            version=evaluation.version + 1,
        )
    )
    if result.rowcount != 1:
        raise Conflict("the evaluation changed meanwhile; try again", field="lot_id", code="stale")
    evaluation.version += 1


# sheets


@dataclass(frozen=True)
class StoredSheet:
    id: str
    stage: str
    member_id: str
    user_id: str
    bid_id: str
    checklist: dict[str, dict]
    scores: dict[str, Decimal]
    comment: str | None
    status: str
    void_reason: str | None
    submitted_at: datetime

    def as_sheet(self) -> Sheet:
        return Sheet(self.member_id, self.bid_id, self.checklist, self.scores)


def sheets_of(conn: Connection, lot_id: str, *, stage: str | None = None, status: str | None = "submitted"):
    query = select(evaluation_sheets).where(evaluation_sheets.c.lot_id == lot_id)
    if stage is not None:
        query = query.where(evaluation_sheets.c.stage == stage)
    if status is not None:
        query = query.where(evaluation_sheets.c.status == status)
    rows = conn.execute(query.order_by(evaluation_sheets.c.submitted_at, evaluation_sheets.c.id)).all()
    return [
        StoredSheet(
            id=r.id,
            stage=r.stage,
            member_id=r.member_id,
            user_id=r.user_id,
            bid_id=r.bid_id,
            checklist=json.loads(r.checklist),
            scores={k: Decimal(v) for k, v in json.loads(r.scores).items()},
            comment=r.comment,
            status=r.status,
            void_reason=r.void_reason,
            submitted_at=r.submitted_at,
        )
        for r in rows
    ]


def insert_sheet(
    conn: Connection,
    *,
    lot_id: str,
    stage: str,
    member_id: str,
    user_id: str,
    bid_id: str,
    checklist: dict,
    scores: dict[str, Decimal],
    comment: str | None,
    at: datetime,
) -> str:
    exists = conn.execute(
        select(evaluation_sheets.c.id).where(
            evaluation_sheets.c.lot_id == lot_id,
            evaluation_sheets.c.stage == stage,
            evaluation_sheets.c.member_id == member_id,
            evaluation_sheets.c.bid_id == bid_id,
        )
    ).first()
    if exists is not None:
        raise Conflict(
            "you have already submitted your sheet for this bid in this stage; a submitted sheet is final",
            field="bid_id",
            code="sheet_submitted",
        )
    sheet_id = new_id()
    conn.execute(
        insert(evaluation_sheets).values(
            id=sheet_id,
            lot_id=lot_id,
            stage=stage,
            member_id=member_id,
            user_id=user_id,
            bid_id=bid_id,
            checklist=dumps(checklist),
            scores=dumps({k: str(v) for k, v in scores.items()}),
            comment=comment,
            status="submitted",
            submitted_at=at,
        )
    )
    return sheet_id


def void_sheets(conn: Connection, lot_id: str, member_ids: set[str], reason: str) -> int:
    if not member_ids:
        return 0
    result = conn.execute(
        update(evaluation_sheets)
        .where(
            evaluation_sheets.c.lot_id == lot_id,
            evaluation_sheets.c.member_id.in_(sorted(member_ids)),
            evaluation_sheets.c.status == "submitted",
        )
        .values(status="void", void_reason=reason)
    )
    return result.rowcount


# clarifications


def insert_clarification(conn: Connection, **values: Any) -> str:
    clarification_id = new_id()
    conn.execute(insert(evaluation_clarifications).values(id=clarification_id, **values))
    return clarification_id


def clarification(conn: Connection, clarification_id: str, *, for_update: bool = False):
    query = select(evaluation_clarifications).where(evaluation_clarifications.c.id == clarification_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no evaluation clarification {clarification_id}", field="clarification_id")
    return row


def clarifications_of(conn: Connection, lot_id: str, *, bidder_org_id: str | None = None) -> list:
    query = select(evaluation_clarifications).where(evaluation_clarifications.c.lot_id == lot_id)
    if bidder_org_id is not None:
        query = query.where(evaluation_clarifications.c.bidder_org_id == bidder_org_id)
    return list(conn.execute(query.order_by(evaluation_clarifications.c.asked_at, evaluation_clarifications.c.id)))


def answer_clarification(conn: Connection, clarification_id: str, **values: Any) -> None:
    conn.execute(
        update(evaluation_clarifications).where(evaluation_clarifications.c.id == clarification_id).values(**values)
    )


# time claims


def time_claims(conn: Connection, lot_id: str) -> list:
    return list(
        conn.execute(
            select(evaluation_time_claims)
            .where(evaluation_time_claims.c.lot_id == lot_id)
            .order_by(evaluation_time_claims.c.claimed_at, evaluation_time_claims.c.id)
        )
    )


def insert_time_claim(conn: Connection, *, lot_id: str, member_id: str, reason: str, at: datetime) -> None:
    exists = conn.execute(
        select(evaluation_time_claims.c.id).where(
            evaluation_time_claims.c.lot_id == lot_id, evaluation_time_claims.c.member_id == member_id
        )
    ).first()
    if exists is not None:
        raise Conflict("you have already said the time is short", field="member_id", code="already_claimed")
    conn.execute(
        insert(evaluation_time_claims).values(
            id=new_id(), lot_id=lot_id, member_id=member_id, reason=reason, claimed_at=at
        )
    )


# reports and signatures


def open_report(conn: Connection, lot_id: str, *, for_update: bool = False):
    """The lot's report being signed, or the closed one; None if not drafted yet."""
    query = (
        select(evaluation_reports)
        .where(evaluation_reports.c.lot_id == lot_id)
        .order_by(evaluation_reports.c.drafted_at.desc())
    )
    if for_update:
        query = query.with_for_update()
    return conn.execute(query).first()


def report_by_id(conn: Connection, report_id: str, *, for_update: bool = False):
    query = select(evaluation_reports).where(evaluation_reports.c.id == report_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no evaluation report {report_id}", field="report_id")
    return row


def insert_report(conn: Connection, **values: Any) -> str:
    report_id = new_id()
    conn.execute(insert(evaluation_reports).values(id=report_id, **values))
    return report_id


def close_report(conn: Connection, report_id: str, at: datetime) -> None:
    conn.execute(
        update(evaluation_reports).where(evaluation_reports.c.id == report_id).values(state="closed", completed_at=at)
    )


def signatures_of(conn: Connection, report_id: str) -> list:
    return list(
        conn.execute(
            select(evaluation_signatures)
            .where(evaluation_signatures.c.report_id == report_id)
            .order_by(evaluation_signatures.c.signed_at, evaluation_signatures.c.member_id)
        )
    )


def insert_signature(conn: Connection, **values: Any) -> None:
    exists = conn.execute(
        select(evaluation_signatures.c.id).where(
            evaluation_signatures.c.report_id == values["report_id"],
            evaluation_signatures.c.member_id == values["member_id"],
        )
    ).first()
    if exists is not None:
        raise Conflict("you have already signed this report", field="report_id", code="already_signed")
    conn.execute(insert(evaluation_signatures).values(id=new_id(), **values))
