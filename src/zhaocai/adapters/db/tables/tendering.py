"""Tendering: projects, tenders (the procedure aggregate), lots, tender documents and what happens to them.

A tender row keeps the indexed facts queries and the scheduler need (state, next_check, bid_deadline, parties) beside
the full aggregate (`data`, canonical JSON of zhaocai.tendering.model.TenderProject); `version` guards against lost
updates. Lots are rows of their own so that bids can reference them. Money is stored as decimal text (exact on both
databases); the aggregate is the source of truth for it.

Secret before the bid deadline (法22; 20号令21): `tender_document_downloads` (who downloaded) and who asked a
question or raised an objection. Only the party itself reads its own rows until then.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

projects = Table(
    "projects",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("code", String(32), nullable=False, unique=True),  # 投资项目代码
    Column("name", String(300), nullable=False),
    Column("owner_org_id", String(26), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("approved_on", Date, nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON of the Project
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("registered_by", String(26), nullable=True),
)

tenders = Table(
    "tenders",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("project_id", String(26), ForeignKey("projects.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("number", String(64), nullable=False, unique=True),  # 招标项目编号
    Column("name", String(300), nullable=False),
    Column("tenderer_org_id", String(26), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("agent_org_id", String(26), ForeignKey("organisations.id"), nullable=True, index=True),
    Column("state", String(32), nullable=False, index=True),
    Column("next_check", UTCDateTime(), nullable=True, index=True),  # when the scheduler looks next
    Column("bid_deadline", UTCDateTime(), nullable=True),
    Column("published_at", UTCDateTime(), nullable=True),  # the notice; public reads start here
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON of the TenderProject
    Column("verdict", Text, nullable=False),  # the must-tender verdict (16号令) recorded when it was created
    Column("predecessor_id", String(26), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("project_id", "seq", name="uq_tenders_project_seq"),
)

tender_lots = Table(
    "tender_lots",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("number", String(80), nullable=False, unique=True),  # 标段(包)编号
    Column("name", String(300), nullable=False),
    Column("estimate", String(24), nullable=False),
    Column("bond_amount", String(24), nullable=False),
    UniqueConstraint("tender_id", "seq", name="uq_tender_lots_tender_seq"),
)

# Files of the prequalification or tender documents, one row per version of each file. A clarification or
# amendment that replaces a file adds a row with the next version and `supersedes` the old one.
tender_documents = Table(
    "tender_documents",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("stage", String(20), nullable=False),  # prequalification | tender
    Column("filename", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("blob_key", String(64), nullable=False),  # SHA-256 of the bytes (content address)
    Column("size", BigInteger, nullable=False),
    Column("supersedes", String(26), nullable=True),
    Column("clarification_id", String(26), nullable=True),  # the amendment that issued this version
    Column("current", Boolean, nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("issued_by", String(26), nullable=True),
    UniqueConstraint("tender_id", "stage", "filename", "version", name="uq_tender_documents_version"),
)

# Who downloaded which document when: secret until the bid deadline (20号令21; 法22).
tender_document_downloads = Table(
    "tender_document_downloads",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False),
    Column("document_id", String(26), ForeignKey("tender_documents.id"), nullable=False),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("user_id", String(26), nullable=False),
    Column("downloaded_at", UTCDateTime(), nullable=False),
    Index("ix_tender_document_downloads_tender_org", "tender_id", "org_id"),
)

# Clarifications and amendments (澄清/修改), published to everyone and notified to every downloader (20号令22).
tender_clarifications = Table(
    "tender_clarifications",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("stage", String(20), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("affects_bids", Boolean, nullable=False),
    Column("deadline_before", UTCDateTime(), nullable=True),
    Column("deadline_after", UTCDateTime(), nullable=True),
    Column("published_at", UTCDateTime(), nullable=False),
    Column("published_by", String(26), nullable=True),
    UniqueConstraint("tender_id", "seq", name="uq_tender_clarifications_seq"),
)

# Questions (提问) from would-be bidders; answered publicly without naming who asked.
tender_questions = Table(
    "tender_questions",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("asked_by_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("asked_by_user_id", String(26), nullable=False),
    Column("question", Text, nullable=False),
    Column("asked_at", UTCDateTime(), nullable=False),
    Column("answer", Text, nullable=True),
    Column("answered_at", UTCDateTime(), nullable=True),
    Column("answered_by", String(26), nullable=True),
)

# Objections (异议) to the prequalification or tender documents (条例22); the id is the aggregate's objection id.
tender_objections = Table(
    "tender_objections",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("stage", String(20), nullable=False),
    Column("raised_by_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("raised_by_user_id", String(26), nullable=False),
    Column("text", Text, nullable=False),
    Column("raised_at", UTCDateTime(), nullable=False),
    Column("answer_due_at", UTCDateTime(), nullable=False),
    Column("answer", Text, nullable=True),
    Column("answered_at", UTCDateTime(), nullable=True),
    Column("answered_by", String(26), nullable=True),
    Column("overdue_at", UTCDateTime(), nullable=True),  # when the scheduler recorded it overdue
)

# Supervisory directives (责令暂停, 条例62) as received: suspend or lift.
tender_directives = Table(
    "tender_directives",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("action", String(10), nullable=False),  # suspend | lift
    Column("reference", String(100), nullable=False),  # the directive's document number
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("by_user_id", String(26), nullable=True),
)
