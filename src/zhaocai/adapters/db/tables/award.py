"""Publicity, award, notices and contract (issue #4, zhaocai.award): the candidate publicity (中标候选人公示) and the
objections raised during it, the award decision and its report to the supervisor, the award / result notices (PDFs
in the blob store with the tenderer's detached signature), the contract with both parties' signatures, the bond
refund interest opened on signing, and performance records (履约). Money is decimal text (exact on both databases).
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
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

# One publicity per lot and evaluation report; `content` is the canonical JSON of what was published (10号令6).
award_publicities = Table(
    "award_publicities",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, index=True),
    Column("report_id", String(26), nullable=False),
    Column("report_completed_at", UTCDateTime(), nullable=False),
    Column("published_at", UTCDateTime(), nullable=False),
    Column("ends_at", UTCDateTime(), nullable=False),
    Column("start_due_at", UTCDateTime(), nullable=True),  # published late when published_at >= start_due_at
    Column("published_late", Boolean(), nullable=False),
    Column("content", Text(), nullable=False),
    Column("published_by", String(26), nullable=True),
    UniqueConstraint("lot_id", "report_id", name="uq_award_publicities_lot_report"),
)

# A closed report whose candidate publicity was not published in time (条例54, tracked): flagged once.
award_publicity_overdue = Table(
    "award_publicity_overdue",
    metadata,
    Column("report_id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, index=True),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("flagged_at", UTCDateTime(), nullable=False),
)

# Objections (异议) to the result raised during the publicity (条例54): answered within the tracked period; a pending
# one suspends the award.
award_objections = Table(
    "award_objections",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("publicity_id", String(26), ForeignKey("award_publicities.id"), nullable=False, index=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, index=True),
    Column("raised_by_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("raised_by_user_id", String(26), nullable=True),
    Column("text", Text(), nullable=False),
    Column("raised_at", UTCDateTime(), nullable=False),
    Column("answer_due_at", UTCDateTime(), nullable=False),
    Column("answer", Text(), nullable=True),
    Column("answered_at", UTCDateTime(), nullable=True),
    Column("answered_by", String(26), nullable=True),
    Column("reminded_at", UTCDateTime(), nullable=True),
    Column("overdue_flagged_at", UTCDateTime(), nullable=True),
)

# The award decision (确定中标人) of a lot, with the candidates passed over and why (条例55, 56), and the tracked
# report to the supervising department (法47).
award_decisions = Table(
    "award_decisions",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, unique=True),
    Column("report_id", String(26), nullable=False),
    Column("publicity_id", String(26), ForeignKey("award_publicities.id"), nullable=True),
    Column("winner_bid_id", String(26), nullable=False),
    Column("winner_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("winner_rank", Integer(), nullable=False),
    Column("price", String(24), nullable=False),
    Column("passed_over", Text(), nullable=False),  # JSON list of {bid_id, rank, reason, explanation}
    Column("decided_at", UTCDateTime(), nullable=False),
    Column("decided_by", String(26), nullable=True),
    Column("report_due_day", Date(), nullable=True),  # None when 法47 does not govern the tender
    Column("report_overdue_at", UTCDateTime(), nullable=True),
    Column("reported_at", UTCDateTime(), nullable=True),
    Column("report_text", Text(), nullable=True),
    Column("report_reminded_at", UTCDateTime(), nullable=True),
    Column("report_overdue_flagged_at", UTCDateTime(), nullable=True),
    Column("notices_sent_at", UTCDateTime(), nullable=True),  # the award notice went out: the contract clock starts
)

# 中标通知书 (kind award, to the winner) and 中标结果通知书 (kind result, to every other bidder): a PDF blob and the
# tenderer's detached signature over its bytes, uploaded after it signed client-side.
award_notices = Table(
    "award_notices",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("award_id", String(26), ForeignKey("award_decisions.id"), nullable=False, index=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("bid_id", String(26), nullable=False),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("pdf_key", String(64), nullable=False),
    Column("pdf_size", Integer(), nullable=False),
    Column("generated_at", UTCDateTime(), nullable=False),
    Column("signature", LargeBinary(), nullable=True),
    Column("signature_key", String(64), nullable=True),  # the signature as a blob beside the PDF
    Column("signature_algorithm", String(24), nullable=True),
    Column("signer_certificate", LargeBinary(), nullable=True),  # DER
    Column("signer_fingerprint", String(64), nullable=True),
    Column("signed_at", UTCDateTime(), nullable=True),
    Column("signed_by", String(26), nullable=True),
    Column("delivered_at", UTCDateTime(), nullable=True),
    CheckConstraint("kind IN ('award', 'result')", name="kind"),
    UniqueConstraint("award_id", "bid_id", name="uq_award_notices_award_bid"),
)

# The contract (合同) of an awarded lot: `document` is the canonical JSON both parties sign; signing is tracked
# (法46) from the award notice.
award_contracts = Table(
    "award_contracts",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("award_id", String(26), ForeignKey("award_decisions.id"), nullable=False, unique=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False, unique=True),
    Column("document", LargeBinary(), nullable=False),
    Column("price", String(24), nullable=False),
    Column("performance_bond", String(24), nullable=False),
    Column("drafted_at", UTCDateTime(), nullable=False),
    Column("drafted_by", String(26), nullable=True),
    Column("signing_due_day", Date(), nullable=False),
    Column("signing_overdue_at", UTCDateTime(), nullable=False),
    Column("reminded_at", UTCDateTime(), nullable=True),
    Column("overdue_flagged_at", UTCDateTime(), nullable=True),
    Column("signed_at", UTCDateTime(), nullable=True),  # when the second party signed
    Column("signed_late", Boolean(), nullable=True),
)

award_contract_signatures = Table(
    "award_contract_signatures",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("contract_id", String(26), ForeignKey("award_contracts.id"), nullable=False, index=True),
    Column("party", String(8), nullable=False),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("signature", LargeBinary(), nullable=False),
    Column("signature_algorithm", String(24), nullable=False),
    Column("signer_certificate", LargeBinary(), nullable=False),  # DER
    Column("signer_fingerprint", String(64), nullable=False),
    Column("signed_at", UTCDateTime(), nullable=False),
    Column("signed_by", String(26), nullable=True),
    CheckConstraint("party IN ('tenderer', 'winner')", name="party"),
    UniqueConstraint("contract_id", "party", name="uq_award_contract_signatures_party"),
)

# The bank-deposit interest (银行同期存款利息, 条例57) owed with each bond refund opened when the contract is signed.
award_bond_interest = Table(
    "award_bond_interest",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("contract_id", String(26), ForeignKey("award_contracts.id"), nullable=False, index=True),
    Column("refund_id", String(26), nullable=True),  # the bonds refund (None: guarantee only, or the bond is kept)
    Column("bidder_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("principal", String(24), nullable=False),
    Column("annual_rate", String(16), nullable=False),
    Column("from_day", Date(), nullable=True),
    Column("to_day", Date(), nullable=True),
    Column("days", Integer(), nullable=False),
    Column("interest", String(24), nullable=False),
    Column("kept_reason", Text(), nullable=True),  # the bond is not refunded (撤销 after the deadline, 条例35)
)

award_performance_records = Table(
    "award_performance_records",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("contract_id", String(26), ForeignKey("award_contracts.id"), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("occurred_on", Date(), nullable=False),
    Column("description", Text(), nullable=False),
    Column("amount", String(24), nullable=True),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
)
