"""Read side of evaluation for the other domains (opening, award, archive) — the interface of issue 4's contract.

`technical_result` tells opening which bids of a two-envelope lot passed the technical evaluation (their price
sections are opened next); `final_report` is the closed, signed evaluation report (评标报告) the award works from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.evaluation import evaluation_reports, evaluation_signatures, evaluations


@dataclass(frozen=True)
class Candidate:
    rank: int  # 1..3
    bid_id: str
    bidder_org_id: str
    bid_price: Decimal  # as corrected (arithmetic correction): what the award and contract must match
    evaluated_price: Decimal | None  # lowest-evaluated-price method
    score: Decimal | None  # comprehensive method
    project_manager: str | None
    project_manager_certificate: str | None
    duration_days: int | None
    quality: str | None


@dataclass(frozen=True)
class ReportSignature:
    member_id: str
    certificate_pem: bytes
    signature: bytes  # over the report's `document`, by the member's certificate key (SM2 gm / ECDSA P-256 std)
    signed_at: datetime
    dissent: str | None


@dataclass(frozen=True)
class EvaluationReport:
    id: str
    lot_id: str
    method: str  # "lowest_evaluated_price" | "comprehensive"
    candidates: tuple[Candidate, ...]  # ranked, at most 3; () when all bids were rejected (评标规定27)
    all_rejected: bool
    completed_at: datetime  # when the last signature (or deemed agreement, 条例53) closed it
    document: bytes  # canonical JSON of the report (评标规定42 contents) that members signed
    signatures: tuple[ReportSignature, ...]  # the members who signed (deemed agreements carry no signature)


def technical_result(conn: Connection, lot_id: str) -> frozenset[str] | None:
    """The bids of a two-envelope lot that passed the technical evaluation; None until the committee concluded it."""
    row = conn.execute(select(evaluations.c.technical_passed).where(evaluations.c.lot_id == lot_id)).first()
    if row is None or row.technical_passed is None:
        return None
    return frozenset(bid for bid in row.technical_passed.split(",") if bid)


def final_report(conn: Connection, lot_id: str) -> EvaluationReport | None:
    """The lot's closed evaluation report, or None while there is none."""
    row = conn.execute(
        select(evaluation_reports)
        .where(evaluation_reports.c.lot_id == lot_id, evaluation_reports.c.state == "closed")
        .order_by(evaluation_reports.c.drafted_at.desc())
    ).first()
    if row is None:
        return None
    signatures = conn.execute(
        select(evaluation_signatures)
        .where(evaluation_signatures.c.report_id == row.id, evaluation_signatures.c.kind == "signed")
        .order_by(evaluation_signatures.c.signed_at, evaluation_signatures.c.member_id)
    ).all()
    return EvaluationReport(
        id=row.id,
        lot_id=row.lot_id,
        method=row.method,
        candidates=tuple(candidate_from_json(item) for item in _loads(row.candidates)),
        all_rejected=row.all_rejected,
        completed_at=row.completed_at,
        document=row.document,
        signatures=tuple(
            ReportSignature(
                member_id=sig.member_id,
                certificate_pem=sig.certificate_pem,
                signature=sig.signature,
                signed_at=sig.signed_at,
                dissent=sig.dissent,
            )
            for sig in signatures
        ),
    )


def reports_closed_since(conn: Connection, since: datetime) -> list[tuple[str, str, datetime]]:
    """(lot id, report id, completed at) of the reports with candidates closed at or after `since`: the lots whose
    candidate publicity falls due (条例54)."""
    query = select(evaluation_reports.c.lot_id, evaluation_reports.c.id, evaluation_reports.c.completed_at).where(
        evaluation_reports.c.state == "closed",
        evaluation_reports.c.all_rejected.is_(False),
        evaluation_reports.c.completed_at >= since,
    )
    return [(row.lot_id, row.id, row.completed_at) for row in conn.execute(query)]


def candidate_from_json(item: dict) -> Candidate:
    def dec(key: str) -> Decimal | None:
        return None if item.get(key) is None else Decimal(item[key])

    return Candidate(
        rank=int(item["rank"]),
        bid_id=item["bid_id"],
        bidder_org_id=item["bidder_org_id"],
        bid_price=Decimal(item["bid_price"]),
        evaluated_price=dec("evaluated_price"),
        score=dec("score"),
        project_manager=item.get("project_manager"),
        project_manager_certificate=item.get("project_manager_certificate"),
        duration_days=None if item.get("duration_days") is None else int(item["duration_days"]),
        quality=item.get("quality"),
    )


def _loads(text: str) -> list[dict]:
    import json

    return json.loads(text)
