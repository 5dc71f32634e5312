"""The evaluation report's document (评标报告, 评标规定42): canonical JSON of its ten contents, the bytes every member
signs. Pure: the caller gathers the inputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zhaocai.core.canonical import canonical_json
from zhaocai.evaluation.entries import BidEntry
from zhaocai.evaluation.plan import EvaluationPlan
from zhaocai.evaluation.scoring import Ranked

FORMAT = "zhaocai-evaluation-report"
VERSION = 1


@dataclass(frozen=True)
class ReportInputs:
    tender: dict[str, Any]  # tender and lot numbers, names, tenderer, suite
    committee: list[dict[str, Any]]
    opening_record_sha256: str | None
    plan: EvaluationPlan
    bids: Sequence[BidEntry]
    comparison: dict[str, dict[str, Any]]  # bid id -> committee means and price figures
    ranked: Sequence[Ranked]
    max_candidates: int
    all_rejected: bool
    reject_all_reason: str | None
    clarifications: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    drafted_at: str


def candidates(inputs: ReportInputs) -> list[dict[str, Any]]:
    if inputs.all_rejected:
        return []
    by_id = {b.bid_id: b for b in inputs.bids}
    out = []
    for rank, ranked in enumerate(inputs.ranked[: inputs.max_candidates], start=1):
        bid = by_id[ranked.bid_id]
        out.append(
            {
                "rank": rank,
                "bid_id": bid.bid_id,
                "bidder_org_id": bid.bidder_org_id,
                "bid_price": str(ranked.price),
                "evaluated_price": None if ranked.evaluated_price is None else str(ranked.evaluated_price),
                "score": None if ranked.score is None else str(ranked.score),
                "project_manager": bid.project_manager,
                "project_manager_certificate": bid.project_manager_certificate,
                "duration_days": bid.duration_days,
                "quality": bid.quality,
            }
        )
    return out


def document(inputs: ReportInputs) -> bytes:
    valid = [b for b in inputs.bids if b.valid]
    rejected = [b for b in inputs.bids if not b.valid]
    body = {
        "format": FORMAT,
        "version": VERSION,
        "drafted_at": inputs.drafted_at,
        # 评标规定42 (1)–(10)
        "basic_facts": inputs.tender,
        "committee": inputs.committee,
        "opening_record_sha256": inputs.opening_record_sha256,
        "valid_bids": [
            {
                "bid_id": b.bid_id,
                "bidder_org_id": b.bidder_org_id,
                "price": b.price,
                "corrected_price": b.corrected_price,
            }
            for b in valid
        ],
        "rejected_bids": [
            {
                "bid_id": b.bid_id,
                "bidder_org_id": b.bidder_org_id,
                "reason": b.excluded,
                "citation": b.excluded_citation,
            }
            for b in rejected
        ],
        "standards": inputs.plan.to_json(),
        "comparison": inputs.comparison,
        "ranking": [r.bid_id for r in inputs.ranked],
        "candidates": candidates(inputs),
        "all_rejected": inputs.all_rejected,
        "all_rejected_reason": inputs.reject_all_reason,
        "clarifications": inputs.clarifications,
        "signals": inputs.flags,
    }
    return canonical_json(body)
