"""Read side of opening for the other domains (experts, evaluation, award, archive) — issue 4's contract.

`opening_status` says where a lot's opening stands; `opened_bids` lists every bid that went into the opening with
its outcome, manifests, price and opened files (once the first stage is closed); `opening_record` is the signed
opening record (开标记录) as JSON. Who may call these for a user is the API's question (zhaocai.opening.access).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection

from zhaocai.core.errors import Conflict, NotFound
from zhaocai.opening import repository
from zhaocai.opening.model import Outcome, SessionState, combined_outcome, first_stage


@dataclass(frozen=True)
class OpenedFile:
    section: str  # "whole" | "technical" | "price"
    name: str  # path inside the bid package (safe, relative)
    sha256: str
    size: int
    blob_key: str  # plaintext file in container.blobs


@dataclass(frozen=True)
class OpenedBid:
    bid_id: str
    version_id: str
    tender_id: str
    lot_id: str
    bidder_org_id: str  # the lead for a consortium
    consortium_org_ids: tuple[str, ...]  # every member incl. the lead; () for a single bidder
    outcome: str  # "opened" | "revoked" | "withdrawn" | "void" (条例34/37: opened, then excluded at evaluation)
    outcome_reason: str | None
    outcome_citation: str | None
    sections_opened: tuple[str, ...]
    manifests: dict[str, dict]  # section name -> the parsed bid-format manifest (docs/bid-format.md)
    price: Decimal | None  # total price in figures (None until the price section is opened)
    price_in_words: str | None
    files: tuple[OpenedFile, ...]
    signals: dict[str, str]  # from the manifests: machine_id_hash, creation_tool; and submission: client_ip


@dataclass(frozen=True)
class OpeningStatus:
    lot_id: str
    state: str  # "pending" | "decrypting" | "closed" | "failed" (流标, <3 bids, 条例44)
    stage: str  # "whole" | "technical" | "price"
    window_ends_at: datetime | None
    record_id: str | None  # the signed opening record of the latest stage, once closed


def _two_envelope(conn: Connection, lot_id: str) -> tuple[str, bool]:
    from zhaocai.tendering.queries import bidding_terms

    terms = bidding_terms(conn, lot_id)  # NotFound for an unknown lot
    return terms.tender_id, terms.two_envelope


def opening_status(conn: Connection, lot_id: str) -> OpeningStatus:
    _, two_envelope = _two_envelope(conn, lot_id)
    sessions = repository.sessions_of_lot(conn, lot_id)
    if not sessions:
        return OpeningStatus(lot_id, SessionState.PENDING.value, first_stage(two_envelope), None, None)
    latest = sessions[-1]
    return OpeningStatus(lot_id, latest.state, latest.stage, latest.window_ends_at, latest.record_id)


def _signals(manifests: dict[str, dict], client_ip: str | None) -> dict[str, str]:
    signals: dict[str, str] = {}
    for manifest in manifests.values():
        found = manifest.get("signals") or {}
        if found.get("machine_hash"):
            signals["machine_id_hash"] = found["machine_hash"]
        if found.get("tool_id"):
            signals["creation_tool"] = found["tool_id"]
        files = manifest.get("files") or []
        if files:
            signals["file_hashes"] = ",".join(sorted(f["hash"] for f in files))
    if client_ip:
        signals["client_ip"] = client_ip
    return signals


def opened_bids(conn: Connection, lot_id: str) -> list[OpenedBid]:
    """Every bid of the lot's opening with its outcome; Conflict (not_opened) before the first stage is closed."""
    from zhaocai.bidding import repository as bids_repository

    tender_id, _ = _two_envelope(conn, lot_id)
    sessions = [s for s in repository.sessions_of_lot(conn, lot_id) if s.state != SessionState.FAILED]
    if not sessions or sessions[0].state != SessionState.CLOSED:
        raise Conflict(
            f"lot {lot_id} has not been opened yet (its first opening stage is not closed)",
            field="lot_id",
            code="not_opened",
        )
    per_bid: dict[str, list[tuple[str, repository.BidOpening]]] = {}
    for session in sessions:
        for row in repository.bids_of_session(conn, session.id):
            per_bid.setdefault(row.bid_id, []).append((session.stage, row))
    files = repository.files_of(conn, [row.id for rows in per_bid.values() for _, row in rows])
    result = []
    for bid_id, rows in per_bid.items():
        first = rows[0][1]
        outcomes = [Outcome(row.outcome) for _, row in rows]
        outcome = combined_outcome(outcomes)
        failed = next((row for _, row in rows if row.outcome in (Outcome.REVOKED, Outcome.WITHDRAWN)), None)
        opened = [(stage, row) for stage, row in rows if row.outcome == Outcome.OPENED]
        manifests = {stage: row.manifest for stage, row in opened if row.manifest is not None}
        priced = next((row for _, row in opened if row.price is not None), None)
        shown = outcome.value
        if outcome is Outcome.OPENED and first.void:
            shown = "void"
        versions = [v for v in bids_repository.versions_of(conn, bid_id) if v.id == first.version_id]
        result.append(
            OpenedBid(
                bid_id=bid_id,
                version_id=first.version_id,
                tender_id=tender_id,
                lot_id=lot_id,
                bidder_org_id=first.bidder_org_id,
                consortium_org_ids=first.consortium_org_ids,
                outcome=shown,
                outcome_reason=failed.reason if failed else first.reason,
                outcome_citation=failed.citation if failed else first.citation,
                sections_opened=tuple(stage for stage, _ in opened),
                manifests=manifests,
                price=Decimal(priced.price) if priced and priced.price else None,
                price_in_words=priced.price_in_words if priced else None,
                files=tuple(
                    OpenedFile(f.section, f.name, f.sha256, f.size, f.blob_key)
                    for _, row in opened
                    for f in files[row.id]
                ),
                signals=_signals(manifests, versions[0].client_ip if versions else None),
            )
        )
    return sorted(result, key=lambda bid: bid.bid_id)


def record_json(record: repository.Record) -> dict:
    return {
        "record_id": record.id,
        "record": json.loads(record.body),
        "signature": base64.b64encode(record.signature).decode(),
        "key_id": record.key_id,
        "algorithm": record.algorithm,
    }


def opening_record(conn: Connection, lot_id: str, stage: str | None = None) -> dict:
    """The signed opening record of `stage` (default: the latest closed stage) as JSON:
    {"record_id", "record": {...}, "signature": base64, "key_id", "algorithm"}."""
    _two_envelope(conn, lot_id)
    sessions = [s for s in repository.sessions_of_lot(conn, lot_id) if s.record_id is not None]
    if stage is not None:
        sessions = [s for s in sessions if s.stage == stage]
    if not sessions:
        which = f" for stage {stage}" if stage else ""
        raise NotFound(f"lot {lot_id} has no opening record{which} yet", field="lot_id")
    record = repository.get_record(conn, sessions[-1].record_id or "")
    assert record is not None
    return record_json(record)
