"""Evaluation (评标): the plan set with the tender documents, the committee's work on a lot, and the report
(docs/evaluation.md).

Structured parts (plan, checklists, scores, candidates) are canonical JSON text; money is decimal text inside it.
Sheets are per member per bid per stage; a replaced member's sheets stay, marked void (条例48).
"""

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

evaluation_plans = Table(
    "evaluation_plans",
    metadata,
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("method", String(30), nullable=False),  # lowest_evaluated_price | comprehensive
    Column("plan", Text, nullable=False),  # canonical JSON of zhaocai.evaluation.plan.EvaluationPlan
    Column("revision", Integer, nullable=False),
    Column("set_at", UTCDateTime(), nullable=False),
    Column("set_by", String(26), nullable=True),
)

evaluations = Table(
    "evaluations",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, unique=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("state", String(20), nullable=False),  # zhaocai.evaluation.machine.State
    Column("stage", String(20), nullable=False),  # whole | technical | price
    Column("chair_member_id", String(40), nullable=True),
    Column("bids", Text, nullable=False),  # JSON: each opened bid, valid or excluded with the reason
    Column("technical_passed", Text, nullable=True),  # comma-separated bid ids, once the technical stage concluded
    Column("extension_required_at", UTCDateTime(), nullable=True),
    Column("extended_until", UTCDateTime(), nullable=True),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("started_by", String(26), nullable=True),
    Column("version", Integer, nullable=False),
)

evaluation_sheets = Table(
    "evaluation_sheets",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, index=True),
    Column("stage", String(20), nullable=False),
    Column("member_id", String(40), nullable=False),
    Column("user_id", String(26), nullable=False),
    Column("bid_id", String(26), nullable=False),
    Column("checklist", Text, nullable=False),  # JSON {item: {"passed": bool, "reason": str|null}}
    Column("scores", Text, nullable=False),  # JSON {criterion id: decimal text}
    Column("comment", Text, nullable=True),
    Column("status", String(10), nullable=False),  # submitted | void
    Column("void_reason", Text, nullable=True),
    Column("submitted_at", UTCDateTime(), nullable=False),
    UniqueConstraint("lot_id", "stage", "member_id", "bid_id", name="uq_evaluation_sheets_member_bid"),
)

evaluation_clarifications = Table(
    "evaluation_clarifications",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, index=True),
    Column("bid_id", String(26), nullable=False),
    Column("bidder_org_id", String(26), nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # question | price_correction
    Column("question", Text, nullable=False),
    Column("original_price", String(40), nullable=True),  # price_correction: the price as bid
    Column("corrected_price", String(40), nullable=True),  # price_correction: the price as corrected
    Column("correction_reasons", Text, nullable=True),  # JSON list
    Column("asked_by_member_id", String(40), nullable=False),
    Column("asked_at", UTCDateTime(), nullable=False),
    Column("answer", Text, nullable=True),
    Column("accepted", Boolean, nullable=True),  # price_correction: did the bidder confirm it
    Column("answered_at", UTCDateTime(), nullable=True),
    Column("answered_by", String(26), nullable=True),
)

evaluation_time_claims = Table(
    "evaluation_time_claims",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, index=True),
    Column("member_id", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("claimed_at", UTCDateTime(), nullable=False),
    UniqueConstraint("lot_id", "member_id", name="uq_evaluation_time_claims_member"),
)

evaluation_reports = Table(
    "evaluation_reports",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, index=True),
    Column("method", String(30), nullable=False),
    Column("state", String(10), nullable=False),  # signing | closed
    Column("all_rejected", Boolean, nullable=False),
    Column("candidates", Text, nullable=False),  # JSON list of candidates
    Column("document", LargeBinary, nullable=False),  # canonical JSON the members sign
    Column("document_sha256", String(64), nullable=False),
    Column("drafted_at", UTCDateTime(), nullable=False),
    Column("drafted_by", String(26), nullable=True),
    Column("completed_at", UTCDateTime(), nullable=True),
)

evaluation_signatures = Table(
    "evaluation_signatures",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("report_id", String(26), ForeignKey("evaluation_reports.id"), nullable=False, index=True),
    Column("member_id", String(40), nullable=False),
    Column("kind", String(10), nullable=False),  # signed | deemed (条例53: refused without reasons)
    Column("certificate_pem", LargeBinary, nullable=True),
    Column("signature", LargeBinary, nullable=True),
    Column("signature_algorithm", String(30), nullable=True),
    Column("dissent", Text, nullable=True),
    Column("signed_at", UTCDateTime(), nullable=False),
    UniqueConstraint("report_id", "member_id", name="uq_evaluation_signatures_member"),
)
