"""Reading and writing the bidding tables. No rules here: the use cases decide, this module stores."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    func,
    insert,
    select,
    update,
)

from zhaocai.adapters.db.statements import one_row
from zhaocai.adapters.db.tables.bidding import (
    bid_consortium_members,
    bid_versions,
    bid_withdrawals,
    bids,
    prequal_application_consortium_members,
    prequal_application_versions,
    prequal_application_withdrawals,
    prequal_applications,
)


@dataclass(frozen=True)
class Ledger:
    """Where one kind of sealed submission is kept: bids on lots, or prequalification applications to tenders."""

    heads: Table
    versions: Table
    members: Table
    withdrawals: Table


BIDS = Ledger(bids, bid_versions, bid_consortium_members, bid_withdrawals)
APPLICATIONS = Ledger(
    prequal_applications,
    prequal_application_versions,
    prequal_application_consortium_members,
    prequal_application_withdrawals,
)


class BidStatus:
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    VOID = "void"


@dataclass(frozen=True)
class StoredBid:
    id: str
    tender_id: str
    lot_id: str
    bidder_org_id: str
    status: str
    latest_version: int
    latest_version_id: str
    first_submitted_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    voided_at: datetime | None
    void_reason: str | None
    void_citation: str | None


@dataclass(frozen=True)
class StoredVersion:
    id: str
    bid_id: str
    lot_id: str
    bidder_org_id: str
    version: int
    envelope_key: str
    envelope_size: int
    header_hash: str
    suite: str
    sections: str
    nonce: str
    bidder_kind: str
    signer_serial: str
    signer_fingerprint: str
    signer_issuer: str
    submitted_at: datetime
    submitted_by: str | None
    client_ip: str | None
    idempotency_key: str | None
    receipt: str | None = None


@dataclass(frozen=True)
class StoredWithdrawal:
    id: str
    bid_id: str
    lot_id: str
    bidder_org_id: str
    version: int
    nonce: str
    notice: str
    signature: bytes
    signer_serial: str
    signer_fingerprint: str
    withdrawn_at: datetime
    withdrawn_by: str | None
    client_ip: str | None
    receipt: str | None = None


def _build(cls: type, row: Any) -> Any:
    mapping = row._mapping
    return cls(**{f.name: mapping[f.name] for f in fields(cls)})


def _values(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


# The statements a submission runs are built once per table, with bound parameters: SQLAlchemy then finds their
# compiled form by the object instead of building and keying a new statement per call (a deadline rush runs them
# hundreds of times a second).


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


@cache
def _head_of(heads: Table, by_tender: bool) -> Select:
    query = select(heads).where(heads.c.lot_id == bindparam("lot_id"), heads.c.bidder_org_id == bindparam("org_id"))
    return query.where(heads.c.tender_id == bindparam("tender_id")) if by_tender else query


def _key_matches(versions: Table) -> tuple[ColumnElement[bool], ...]:
    return versions.c.bidder_org_id == bindparam("org_id"), versions.c.idempotency_key == bindparam("key")


@cache
def _version_by_key(versions: Table) -> Select:
    return select(versions).where(*_key_matches(versions))


@cache
def _nonce_of(versions: Table) -> Select:
    """A bidder's earlier envelope with this nonce (for an application, `lot_id` is the literal "prequalification": a
    nonce is random, so only a replayed envelope matches)."""
    return select(versions.c.id).where(
        versions.c.lot_id == bindparam("lot_id"),
        versions.c.bidder_org_id == bindparam("org_id"),
        versions.c.nonce == bindparam("nonce"),
    )


@cache
def _submission_state(ledger: Ledger, by_tender: bool) -> Select:
    heads = ledger.heads
    matches = [heads.c.lot_id == bindparam("lot_id"), heads.c.bidder_org_id == bindparam("org_id")]
    if by_tender:
        matches.append(heads.c.tender_id == bindparam("tender_id"))
    nonce_used = exists(_nonce_of(ledger.versions)).label("nonce_used")
    key_used = exists(select(ledger.versions.c.id).where(*_key_matches(ledger.versions))).label("key_used")
    return select(heads, nonce_used, key_used).select_from(one_row().outerjoin(heads, and_(*matches)))


@dataclass(frozen=True)
class SubmissionState:
    """What a new submission is checked against: the bidder's head on the target, if any; whether the envelope's
    nonce was used before (a replay); whether the request's idempotency key was (a retry)."""

    bid: StoredBid | None
    nonce_used: bool
    key_used: bool


def submission_state(
    conn: Connection,
    lot_id: str,
    org_id: str,
    *,
    nonce: str,
    idempotency_key: str | None,
    ledger: Ledger = BIDS,
    tender_id: str | None = None,
) -> SubmissionState:
    """One statement: it runs in every submission's transaction."""
    parameters = {"lot_id": lot_id, "org_id": org_id, "tender_id": tender_id, "nonce": nonce, "key": idempotency_key}
    row = conn.execute(_submission_state(ledger, tender_id is not None), parameters).one()
    bid = _build(StoredBid, row) if row.id is not None else None
    return SubmissionState(bid, bool(row.nonce_used), bool(row.key_used))


# bids


def bid_for(
    conn: Connection, lot_id: str, org_id: str, *, ledger: Ledger = BIDS, tender_id: str | None = None
) -> StoredBid | None:
    query = _head_of(ledger.heads, tender_id is not None)
    row = conn.execute(query, {"lot_id": lot_id, "org_id": org_id, "tender_id": tender_id}).first()
    return _build(StoredBid, row) if row else None


def get_bid(conn: Connection, bid_id: str, *, ledger: Ledger = BIDS) -> StoredBid | None:
    row = conn.execute(select(ledger.heads).where(ledger.heads.c.id == bid_id)).first()
    return _build(StoredBid, row) if row else None


def insert_bid(conn: Connection, bid: StoredBid, *, ledger: Ledger = BIDS) -> None:
    conn.execute(_insert(ledger.heads), _values(bid))


def advance_bid(conn: Connection, bid: StoredBid, version: StoredVersion, *, ledger: Ledger = BIDS) -> bool:
    """Make `version` the bid's latest, unless a concurrent submission already made a higher one latest."""
    heads = ledger.heads
    result = conn.execute(
        update(heads)
        .where(heads.c.id == bid.id, heads.c.latest_version < version.version)
        .values(
            latest_version=version.version,
            latest_version_id=version.id,
            status=BidStatus.SUBMITTED,
            updated_at=version.submitted_at,
            withdrawn_at=None,
        )
    )
    return result.rowcount == 1


def mark_withdrawn(conn: Connection, bid: StoredBid, at: datetime, *, ledger: Ledger = BIDS) -> bool:
    heads = ledger.heads
    result = conn.execute(
        update(heads)
        .where(
            heads.c.id == bid.id,
            heads.c.status == BidStatus.SUBMITTED,
            heads.c.latest_version == bid.latest_version,
        )
        .values(status=BidStatus.WITHDRAWN, withdrawn_at=at, updated_at=at)
    )
    return result.rowcount == 1


def mark_void(conn: Connection, bid_id: str, *, reason: str, citation: str, at: datetime) -> bool:
    result = conn.execute(
        update(bids)
        .where(bids.c.id == bid_id, bids.c.status == BidStatus.SUBMITTED)
        .values(status=BidStatus.VOID, voided_at=at, void_reason=reason, void_citation=citation, updated_at=at)
    )
    return result.rowcount == 1


def bids_of_tender(conn: Connection, tender_id: str, *, status: str | None = None) -> list[StoredBid]:
    query = select(bids).where(bids.c.tender_id == tender_id).order_by(bids.c.lot_id, bids.c.id)
    if status is not None:
        query = query.where(bids.c.status == status)
    return [_build(StoredBid, row) for row in conn.execute(query)]


def bids_of_lot(conn: Connection, lot_id: str) -> list[StoredBid]:
    query = select(bids).where(bids.c.lot_id == lot_id).order_by(bids.c.first_submitted_at, bids.c.id)
    return [_build(StoredBid, row) for row in conn.execute(query)]


def count_bids(conn: Connection, lot_id: str, statuses: tuple[str, ...]) -> int:
    query = select(func.count()).select_from(bids).where(bids.c.lot_id == lot_id, bids.c.status.in_(statuses))
    return int(conn.execute(query).scalar_one())


# versions


def insert_version(conn: Connection, version: StoredVersion, *, ledger: Ledger = BIDS) -> None:
    conn.execute(_insert(ledger.versions), _values(version))


def get_version(conn: Connection, version_id: str) -> StoredVersion | None:
    row = conn.execute(select(bid_versions).where(bid_versions.c.id == version_id)).first()
    return _build(StoredVersion, row) if row else None


def versions_of(conn: Connection, bid_id: str, *, ledger: Ledger = BIDS) -> list[StoredVersion]:
    versions = ledger.versions
    query = select(versions).where(versions.c.bid_id == bid_id).order_by(versions.c.version)
    return [_build(StoredVersion, row) for row in conn.execute(query)]


def version_by_idempotency_key(
    conn: Connection, org_id: str, key: str, *, ledger: Ledger = BIDS
) -> StoredVersion | None:
    row = conn.execute(_version_by_key(ledger.versions), {"org_id": org_id, "key": key}).first()
    return _build(StoredVersion, row) if row else None


def applications_of_tender(conn: Connection, tender_id: str) -> list[StoredBid]:
    heads = prequal_applications
    query = select(heads).where(heads.c.tender_id == tender_id).order_by(heads.c.first_submitted_at, heads.c.id)
    return [_build(StoredBid, row) for row in conn.execute(query)]


def insert_members(
    conn: Connection, version_id: str, members: list[tuple[str, str, str]], *, ledger: Ledger = BIDS
) -> None:
    """(org_id, credit_code, role) for the lead and every member of a consortium bid (or application)."""
    if members:
        conn.execute(
            insert(ledger.members),
            [{"version_id": version_id, "org_id": o, "credit_code": c, "role": r} for o, c, r in members],
        )


def members_of(conn: Connection, version_ids: list[str], *, ledger: Ledger = BIDS) -> dict[str, list[str]]:
    """version id -> the organisation ids of its consortium (the lead, then the members); versions of a single bidder
    are absent."""
    found: dict[str, list[str]] = {}
    if not version_ids:
        return found
    members = ledger.members
    query = (
        select(members.c.version_id, members.c.org_id)
        .where(members.c.version_id.in_(version_ids))
        .order_by(members.c.role, members.c.credit_code)  # the lead first ("lead" < "member")
    )
    for version_id, org_id in conn.execute(query):
        found.setdefault(version_id, []).append(org_id)
    return found


# withdrawals


def withdrawal_by_nonce(
    conn: Connection, lot_id: str, org_id: str, nonce: str, *, ledger: Ledger = BIDS
) -> StoredWithdrawal | None:
    table = ledger.withdrawals
    row = conn.execute(
        select(table).where(table.c.lot_id == lot_id, table.c.bidder_org_id == org_id, table.c.nonce == nonce)
    ).first()
    return _build(StoredWithdrawal, row) if row else None


def insert_withdrawal(conn: Connection, withdrawal: StoredWithdrawal, *, ledger: Ledger = BIDS) -> None:
    conn.execute(_insert(ledger.withdrawals), _values(withdrawal))


def withdrawals_of(conn: Connection, bid_id: str, *, ledger: Ledger = BIDS) -> list[StoredWithdrawal]:
    table = ledger.withdrawals
    query = select(table).where(table.c.bid_id == bid_id).order_by(table.c.withdrawn_at)
    return [_build(StoredWithdrawal, row) for row in conn.execute(query)]
