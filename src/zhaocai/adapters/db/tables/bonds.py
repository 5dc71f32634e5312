"""Bid bonds (投标保证金): basic accounts, payment reference codes, imported bank statements and their rows,
electronic guarantees (电子保函) and refunds.

Secret before the bid deadline (法22; 20号令27): every row that ties a payment, a guarantee, a reference code or a
refund to a (lot, bidder). Only the bidder reads its own until then; the platform operator sees statement rows by
their bank reference only. Money is decimal text (exact on both databases).
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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

# The basic account (基本存款账户) of each organisation: a cash bond must leave from it (条例26). One in use per
# organisation; a replaced one keeps its row with `replaced_at`.
bond_basic_accounts = Table(
    "bond_basic_accounts",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("account_number", String(40), nullable=False, index=True),
    Column("account_name", String(200), nullable=False),
    Column("bank_name", String(200), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    Column("replaced_at", UTCDateTime(), nullable=True),
)

# The code a bidder writes in its transfer's remark (附言), or the virtual sub-account it pays to: one per
# (lot, bidder), shown only to that bidder.
bond_references = Table(
    "bond_references",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False),
    Column("bidder_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("code", String(20), nullable=False, unique=True),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("issued_by", String(26), nullable=True),
    UniqueConstraint("lot_id", "bidder_org_id", name="uq_bond_references_lot_bidder"),
)

# One imported bank-statement file; the file itself is a blob (SHA-256 key). Importing the same file again finds
# this row.
bond_statements = Table(
    "bond_statements",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("blob_key", String(64), nullable=False, unique=True),
    Column("size", Integer, nullable=False),
    Column("filename", String(255), nullable=True),
    Column("encoding", String(20), nullable=False),
    Column("imported_at", UTCDateTime(), nullable=False),
    Column("imported_by", String(26), nullable=True),
    Column("rows_total", Integer, nullable=False),
    Column("rows_new", Integer, nullable=False),
    Column("rows_known", Integer, nullable=False),
)

# Rows of a statement that could not be read: kept with the row and column they name.
bond_statement_problems = Table(
    "bond_statement_problems",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("statement_id", String(26), ForeignKey("bond_statements.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("column_name", String(40), nullable=False),
    Column("message", Text, nullable=False),
)

# Credits on the platform's bond account, one per bank transaction (`bank_reference`, the bank's 流水号), whichever
# statement first brought it. `payer_account_number` is kept for the bid-rigging signal of 条例40(6).
bond_payments = Table(
    "bond_payments",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("statement_id", String(26), ForeignKey("bond_statements.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("bank_reference", String(64), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False),
    Column("value_date", Date, nullable=False),
    Column("value_at", UTCDateTime(), nullable=True),  # when the statement gives the time too
    Column("amount", String(24), nullable=False),
    Column("payer_account_name", String(200), nullable=False),
    Column("payer_account_number", String(40), nullable=False, index=True),
    Column("payer_bank", String(200), nullable=False),
    Column("remark", Text, nullable=False),
    Column("credited_account", String(40), nullable=True),
    Column("status", String(12), nullable=False),
    Column("matched_by", String(24), nullable=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=True),
    Column("bidder_org_id", String(26), ForeignKey("organisations.id"), nullable=True),
    Column("reason_code", String(40), nullable=True),
    Column("reason", Text, nullable=True),
    Column("citation", String(40), nullable=True),
    Column("decided_at", UTCDateTime(), nullable=False),
    Column("refund_id", String(26), ForeignKey("bond_refunds.id"), nullable=True),
    CheckConstraint("status IN ('accepted', 'refused', 'late', 'unmatched', 'held')", name="status"),
    Index("ix_bond_payments_lot_bidder", "lot_id", "bidder_org_id"),
)

# Electronic guarantees (电子保函) recorded by the bidder. One in use per (lot, bidder); a new one supersedes it.
bond_guarantees = Table(
    "bond_guarantees",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False),
    Column("bidder_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("issuer", String(200), nullable=False),
    Column("number", String(64), nullable=False),
    Column("amount", String(24), nullable=False),
    Column("beneficiary", String(200), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("verification_code", String(64), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    Column("superseded_at", UTCDateTime(), nullable=True),
    Column("refund_id", String(26), ForeignKey("bond_refunds.id"), nullable=True),
    Index("ix_bond_guarantees_lot_bidder", "lot_id", "bidder_org_id"),
)

# A tracked refund duty: the cash and the guarantee a (lot, bidder) had when it arose, due by `due_day` (overdue
# from `overdue_at`). `next_check_at` is when the refund job looks at it next (NULL once refunded and reported).
bond_refunds = Table(
    "bond_refunds",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False),
    Column("bidder_org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("cause", String(24), nullable=False),
    Column("rule_key", String(80), nullable=False),
    Column("citation", String(40), nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("due_day", Date, nullable=False),
    Column("overdue_at", UTCDateTime(), nullable=False),
    Column("amount", String(24), nullable=False),
    Column("guarantee_id", String(26), nullable=True),
    Column("state", String(12), nullable=False),
    Column("refunded_at", UTCDateTime(), nullable=True),
    Column("refunded_by", String(26), nullable=True),
    Column("refund_bank_reference", String(64), nullable=True),
    Column("refunded_late", Boolean, nullable=True),
    Column("reminded_at", UTCDateTime(), nullable=True),
    Column("overdue_flagged_at", UTCDateTime(), nullable=True),
    Column("supervision_reported_at", UTCDateTime(), nullable=True),
    Column("next_check_at", UTCDateTime(), nullable=True, index=True),
    CheckConstraint("state IN ('due', 'overdue', 'refunded')", name="state"),
    Index("ix_bond_refunds_lot_bidder", "lot_id", "bidder_org_id"),
)
