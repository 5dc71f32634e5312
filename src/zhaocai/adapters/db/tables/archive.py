"""Electronic archive packages (电子档案, 20号令40): one row per package built for a tender; the package itself is a
blob (docs/archive.md)."""

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Table

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

archive_packages = Table(
    "archive_packages",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
    Column("blob_key", String(64), nullable=False),  # SHA-256 of the package file
    Column("size", BigInteger, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("audit_entry_count", Integer, nullable=False),
    Column("tree_size", BigInteger, nullable=False),  # the signed checkpoint the audit proofs lead to
    Column("reason", String(20), nullable=False),  # concluded | on_demand
    Column("built_at", UTCDateTime(), nullable=False),
    Column("built_by", String(26), nullable=True),
)
