"""Identity: market subjects (organisations), users and their roles, credentials, sessions and tokens.

Secrets are never stored: sessions, API tokens, reset tokens keep only their SHA-256; passwords an argon2id hash.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

organisations = Table(
    "organisations",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("credit_code", String(18), nullable=False, unique=True),
    Column("legal_representative", String(100), nullable=False),
    Column("contact_name", String(100), nullable=False),
    Column("contact_phone", String(30), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("is_tenderer", Boolean, nullable=False, default=False),
    Column("is_agent", Boolean, nullable=False, default=False),
    Column("is_bidder", Boolean, nullable=False, default=False),
    Column("status", String(20), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("decided_by", String(26), nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=True, index=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(30), nullable=True),
    Column("status", String(20), nullable=False),
    Column("org_admin", Boolean, nullable=False, default=False),
    Column("password_hash", String(256), nullable=True),
    Column("password_changed_at", UTCDateTime(), nullable=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime(), nullable=True),
    Column("totp_secret", String(64), nullable=True),
    Column("totp_enabled", Boolean, nullable=False, default=False),
    Column("totp_last_step", BigInteger, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", String(26), ForeignKey("users.id"), nullable=False),
    Column("role", String(30), nullable=False),
    Column("granted_at", UTCDateTime(), nullable=False),
    Column("granted_by", String(26), nullable=True),
    PrimaryKeyConstraint("user_id", "role"),
)

# Certificates registered to users (proof of possession checked at registration); certificate login looks the
# presented certificate up by its SHA-256 fingerprint.
certificates = Table(
    "certificates",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("user_id", String(26), ForeignKey("users.id"), nullable=False, index=True),
    Column("org_id", String(26), nullable=True),
    Column("serial", String(80), nullable=False),
    Column("issuer", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("fingerprint_sha256", String(64), nullable=False, unique=True),
    Column("usage", String(10), nullable=False),
    Column("suite", String(5), nullable=False),
    Column("not_before", UTCDateTime(), nullable=False),
    Column("not_after", UTCDateTime(), nullable=False),
    Column("der", LargeBinary, nullable=False),
    Column("registered_at", UTCDateTime(), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", String(26), ForeignKey("users.id"), nullable=False, index=True),
    Column("auth_method", String(20), nullable=False),
    Column("cert_serial", String(80), nullable=True),
    Column("client_ip", String(45), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("ended_at", UTCDateTime(), nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", String(26), ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Column("last_used_at", UTCDateTime(), nullable=True),
)

password_resets = Table(
    "password_resets",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", String(26), ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
)

# Single-use nonces a certificate holder signs to log in or to prove possession when registering a certificate.
login_challenges = Table(
    "login_challenges",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("nonce", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
)
