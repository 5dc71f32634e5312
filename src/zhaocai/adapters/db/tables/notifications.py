"""Notifications: one row per recipient and channel. Inbox rows are delivered by being committed; email rows
are sent after commit and retried from here until sent or given up (status 'failed')."""

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Table, Text

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("user_id", String(26), nullable=True),
    Column("email", String(254), nullable=True),
    Column("channel", String(10), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    # When a pending email may next be tried; a sender claims a row by moving this forward (a lease).
    Column("next_attempt_at", UTCDateTime(), nullable=True),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("read_at", UTCDateTime(), nullable=True),
    CheckConstraint("channel IN ('inbox', 'email')", name="channel"),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
    CheckConstraint("channel <> 'inbox' OR user_id IS NOT NULL", name="inbox_has_user"),
    CheckConstraint("channel <> 'email' OR email IS NOT NULL", name="email_has_address"),
    Index("ix_notifications_inbox", "user_id", "channel", "created_at"),
    Index("ix_notifications_due", "status", "next_attempt_at"),
)
