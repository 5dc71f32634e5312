"""Audit entries (written in each use case's transaction) and the Merkle log the sequencer builds over them."""

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, String, Table, Text

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

# One row per operation, written inside the operation's own transaction. `leaf_index` is NULL until the
# sequencer integrates the row into the Merkle log; then it is gapless from 0.
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("entry_id", String(26), nullable=False, unique=True),
    Column("leaf_index", BigInteger, nullable=True, unique=True),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("user_id", String(26), nullable=True),
    Column("org_id", String(26), nullable=True),
    Column("cert_serial", String(80), nullable=True),
    Column("client_ip", String(45), nullable=True),
    Column("auth_method", String(20), nullable=True),
    Column("action", String(80), nullable=False),
    Column("object_type", String(40), nullable=True),
    Column("object_id", String(80), nullable=True),
    Column("outcome", String(80), nullable=False),
    Column("reason", Text, nullable=True),
    Column("payload_hash", String(64), nullable=True),
    Column("leaf_hash", LargeBinary(32), nullable=True),
)
