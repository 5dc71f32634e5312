"""Audit entries (written in each use case's transaction) and the Merkle log the sequencer builds over them."""

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table, Text

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

# SQLite makes an INTEGER PRIMARY KEY the rowid itself (no second index); PostgreSQL gets BIGINT.
_BIG_KEY = BigInteger().with_variant(Integer, "sqlite")

# One row per operation, written inside the operation's own transaction. `leaf_index` is NULL until the
# sequencer integrates the row into the Merkle log; then it is gapless from 0.
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", _BIG_KEY, primary_key=True, autoincrement=True),
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

# The sequencer's queue: entries not yet in the log, in id order. Partial, so it stays as small as the backlog.
Index(
    "ix_audit_entries_pending",
    audit_entries.c.id,
    postgresql_where=audit_entries.c.leaf_index.is_(None),
    sqlite_where=audit_entries.c.leaf_index.is_(None),
)

# Every complete subtree of the log (leaves included), keyed by `merkle.storage_key(level, index)`: the keys grow
# as leaves are appended, and a proof's O(log n) subtrees come back from one `WHERE key IN (...)`.
audit_nodes = Table(
    "audit_nodes",
    metadata,
    Column("node_key", _BIG_KEY, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

# The log's head: one row (id = 1), locked by the sequencer while it integrates a batch. `origin` and
# `hash_name` are fixed when the first batch is integrated.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("origin", String(200), nullable=False),
    Column("hash_name", String(16), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# One signed checkpoint (C2SP signed note) per integrated batch.
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("size", _BIG_KEY, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
