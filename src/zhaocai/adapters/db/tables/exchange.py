"""The transactional outbox of the data-exchange protocol (DESIGN principle 7)."""

from sqlalchemy import BigInteger, Column, Integer, String, Table, Text

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

# Rows are written in the use case's own transaction; `seq` stays NULL until the single relay publishes the
# message and assigns the gapless per-platform sequence number that readers page by.
outbox_messages = Table(
    "outbox_messages",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("message_id", String(26), nullable=False, unique=True),
    Column("message_type", String(60), nullable=False),
    Column("object_type", String(40), nullable=True),
    Column("object_id", String(80), nullable=True),
    Column("payload", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("seq", BigInteger, nullable=True, unique=True),
    Column("published_at", UTCDateTime(), nullable=True),
)
