"""Bidding: sealed bids and prequalification applications and their versions, consortium membership, withdrawals
(docs/bidding.md).

Only ciphertext is stored, in the blob store (`envelope_key` is the envelope's SHA-256); these rows hold what the
platform checked at upload. Every row here is secret until the bid deadline (招标投标法22, 电子招标投标办法27):
only the bidder's own queries read them before it.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime


def _head_columns(target: Column) -> list[Column]:
    """The columns of one bidder's submission to a target (a lot, or a tender's prequalification)."""
    return [
        Column("id", String(26), primary_key=True),
        Column("tender_id", String(26), ForeignKey("tenders.id"), nullable=False, index=True),
        target,
        Column("bidder_org_id", String(26), ForeignKey("organisations.id"), nullable=False, index=True),
        Column("status", String(20), nullable=False),  # submitted | withdrawn | void
        Column("latest_version", Integer, nullable=False),
        Column("latest_version_id", String(26), nullable=False),
        Column("first_submitted_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("withdrawn_at", UTCDateTime(), nullable=True),
        Column("voided_at", UTCDateTime(), nullable=True),
        Column("void_reason", Text, nullable=True),
        Column("void_citation", String(100), nullable=True),
    ]


def _version_columns(head_table: str) -> list[Column]:
    """Every accepted envelope of a submission, kept after a newer version replaces it."""
    return [
        Column("id", String(26), primary_key=True),
        Column("bid_id", String(26), ForeignKey(f"{head_table}.id"), nullable=False),
        Column("lot_id", String(26), nullable=False),  # the envelope header's lot_id
        Column("bidder_org_id", String(26), nullable=False),
        Column("version", Integer, nullable=False),
        Column("envelope_key", String(64), nullable=False),  # blob key: SHA-256 of the envelope bytes
        Column("envelope_size", BigInteger, nullable=False),
        Column("header_hash", String(64), nullable=False),  # the suite's hash of the signed header bytes
        Column("suite", String(5), nullable=False),
        Column("sections", String(200), nullable=False),  # section names, comma-separated, in envelope order
        Column("nonce", String(128), nullable=False),  # hex, from the signed header
        Column("bidder_kind", String(20), nullable=False),  # organisation | consortium
        Column("signer_serial", String(80), nullable=False),
        Column("signer_fingerprint", String(64), nullable=False),  # SHA-256 of the signing certificate DER
        Column("signer_issuer", Text, nullable=False),
        Column("submitted_at", UTCDateTime(), nullable=False),
        Column("submitted_by", String(26), nullable=True),  # the acting user
        Column("client_ip", String(45), nullable=True),
        Column("idempotency_key", String(128), nullable=True),
        Column("receipt", Text, nullable=True),  # the signed receipt, stored in the accepting transaction
    ]


# One row per bidder and lot; `latest_version_id` is the version that counts (修改: only the latest counts).
bids = Table(
    "bids",
    metadata,
    *_head_columns(Column("lot_id", String(26), ForeignKey("tender_lots.id"), nullable=False)),
    UniqueConstraint("lot_id", "bidder_org_id", name="uq_bids_lot_bidder"),
)

bid_versions = Table(
    "bid_versions",
    metadata,
    *_version_columns("bids"),
    UniqueConstraint("bid_id", "version", name="uq_bid_versions_bid_version"),
    UniqueConstraint("lot_id", "bidder_org_id", "nonce", name="uq_bid_versions_nonce"),
    UniqueConstraint("bidder_org_id", "idempotency_key", name="uq_bid_versions_idempotency"),
)

# Prequalification applications (资格预审申请文件), sealed and submitted exactly like bids (电子招标投标办法28): one row
# per applicant and tender; `lot_id` always holds the header's literal "prequalification". As secret as bids until
# applications are due.
prequal_applications = Table(
    "prequal_applications",
    metadata,
    *_head_columns(Column("lot_id", String(26), nullable=False)),
    UniqueConstraint("tender_id", "bidder_org_id", name="uq_prequal_applications_tender_bidder"),
)

prequal_application_versions = Table(
    "prequal_application_versions",
    metadata,
    *_version_columns("prequal_applications"),
    UniqueConstraint("bid_id", "version", name="uq_prequal_application_versions_version"),
    UniqueConstraint("bidder_org_id", "idempotency_key", name="uq_prequal_application_versions_idempotency"),
    Index("ix_prequal_application_versions_nonce", "bidder_org_id", "nonce"),
)


def _member_columns(versions_table: str) -> list[Column]:
    """The consortium (联合体) a version was submitted for: the lead and every member, by organisation."""
    return [
        Column("version_id", String(26), ForeignKey(f"{versions_table}.id"), primary_key=True),
        Column("org_id", String(26), ForeignKey("organisations.id"), primary_key=True),
        Column("credit_code", String(18), nullable=False),
        Column("role", String(10), nullable=False),  # lead | member
    ]


def _withdrawal_columns(head_table: str) -> list[Column]:
    """A signed withdrawal notice (撤回, 条例35); its nonce is unique per bidder and target, so it cannot be
    replayed."""
    return [
        Column("id", String(26), primary_key=True),
        Column("bid_id", String(26), ForeignKey(f"{head_table}.id"), nullable=False, index=True),
        Column("lot_id", String(26), nullable=False),  # the notice's lot_id ("prequalification" for an application)
        Column("bidder_org_id", String(26), nullable=False),
        Column("version", Integer, nullable=False),
        Column("nonce", String(128), nullable=False),
        Column("notice", Text, nullable=False),  # the signed notice, canonical JSON
        Column("signature", LargeBinary, nullable=False),
        Column("signer_serial", String(80), nullable=False),
        Column("signer_fingerprint", String(64), nullable=False),
        Column("withdrawn_at", UTCDateTime(), nullable=False),
        Column("withdrawn_by", String(26), nullable=True),
        Column("client_ip", String(45), nullable=True),
        Column("receipt", Text, nullable=True),  # the signed receipt, stored in the withdrawing transaction
    ]


bid_consortium_members = Table(
    "bid_consortium_members",
    metadata,
    *_member_columns("bid_versions"),
    Index("ix_bid_consortium_members_org", "org_id"),
)

prequal_application_consortium_members = Table(
    "prequal_application_consortium_members",
    metadata,
    *_member_columns("prequal_application_versions"),
    Index("ix_prequal_application_consortium_members_org", "org_id"),
)

bid_withdrawals = Table(
    "bid_withdrawals",
    metadata,
    *_withdrawal_columns("bids"),
    UniqueConstraint("lot_id", "bidder_org_id", "nonce", name="uq_bid_withdrawals_nonce"),
)

prequal_application_withdrawals = Table(
    "prequal_application_withdrawals",
    metadata,
    *_withdrawal_columns("prequal_applications"),
    UniqueConstraint("lot_id", "bidder_org_id", "nonce", name="uq_prequal_application_withdrawals_nonce"),
)
