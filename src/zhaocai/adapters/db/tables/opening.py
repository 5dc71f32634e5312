"""Opening (开标, docs/opening.md): each tender's opening plan, each lot's opening sessions (one per stage: `whole`,
or `technical` then `price`), every bid's decryption outcome per session, the opened files (plaintext in the blob
store), the signed opening records and the objections raised at the opening (条例44)."""

from sqlalchemy import (
    BigInteger,
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

opening_plans = Table(
    "opening_plans",
    metadata,
    Column("tender_id", String(26), ForeignKey("tenders.id"), primary_key=True),
    Column("window_minutes", Integer, nullable=False),  # the decryption window the tender documents set
    Column("announce_reserve", Boolean, nullable=False),  # whether a 标底 is announced at opening (条例50)
    Column("reserve_price", String(40), nullable=True),  # the sealed 标底, a decimal string; secret until opening
    Column("set_at", UTCDateTime(), nullable=False),
    Column("set_by", String(26), nullable=True),
)

opening_sessions = Table(
    "opening_sessions",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("lot_id", String(26), nullable=False, index=True),
    Column("stage", String(10), nullable=False),  # whole | technical | price
    Column("state", String(12), nullable=False),  # pending | decrypting | closed | failed
    Column("started_at", UTCDateTime(), nullable=False),
    Column("window_ends_at", UTCDateTime(), nullable=True),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("bids_received", Integer, nullable=False),
    Column("failure_reason", Text, nullable=True),
    Column("failure_citation", String(100), nullable=True),
    Column("record_id", String(26), nullable=True),
    UniqueConstraint("lot_id", "stage", name="uq_opening_sessions_lot_stage"),
)

opening_bids = Table(
    "opening_bids",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("session_id", String(26), ForeignKey("opening_sessions.id"), nullable=False, index=True),
    Column("lot_id", String(26), nullable=False, index=True),
    Column("bid_id", String(26), nullable=False, index=True),
    Column("version_id", String(26), nullable=False),
    Column("bidder_org_id", String(26), nullable=False),
    Column("consortium_org_ids", Text, nullable=False),  # comma-separated, the lead included; "" for one bidder
    Column("void", Boolean, nullable=False),  # voided at the deadline (条例34/37): opened, excluded at evaluation
    Column("outcome", String(12), nullable=False),  # pending | opened | revoked | withdrawn
    Column("reason", Text, nullable=True),
    Column("citation", String(100), nullable=True),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("manifest", LargeBinary, nullable=True),  # the section's manifest, canonical JSON
    Column("price", String(40), nullable=True),
    Column("price_in_words", Text, nullable=True),
    UniqueConstraint("session_id", "bid_id", name="uq_opening_bids_session_bid"),
)

opening_files = Table(
    "opening_files",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("opening_bid_id", String(26), ForeignKey("opening_bids.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("section", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("blob_key", String(64), nullable=False),
)

opening_records = Table(
    "opening_records",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("session_id", String(26), ForeignKey("opening_sessions.id"), nullable=False, unique=True),
    Column("tender_id", String(26), nullable=False, index=True),
    Column("lot_id", String(26), nullable=False, index=True),
    Column("stage", String(10), nullable=False),
    Column("body", LargeBinary, nullable=False),  # canonical JSON, as signed
    Column("signature", LargeBinary, nullable=False),
    Column("key_id", String(80), nullable=False),
    Column("algorithm", String(40), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

opening_objections = Table(
    "opening_objections",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("session_id", String(26), ForeignKey("opening_sessions.id"), nullable=False, index=True),
    Column("lot_id", String(26), nullable=False),
    Column("raised_by_org_id", String(26), nullable=False),
    Column("raised_by_user_id", String(26), nullable=True),
    Column("text", Text, nullable=False),
    Column("raised_at", UTCDateTime(), nullable=False),
    Column("answer", Text, nullable=True),
    Column("answered_by_user_id", String(26), nullable=True),
    Column("answered_at", UTCDateTime(), nullable=True),
)
