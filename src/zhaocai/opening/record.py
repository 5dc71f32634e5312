"""The opening record (开标记录, 20号令29–32; 条例44, 50): canonical JSON naming the lot, the stage, every bid with its
bidder, decryption outcome (with who answers for a failure), price in figures and words and declared items, the
标底 where the plan announces it, and the objections raised at the opening with their answers. The platform's
`platform-sign` key signs `"zhaocai-opening-record/v1" ‖ 0x00 ‖ canonical JSON`; anyone verifies it with the keys
published at /.well-known/zhaocai-keys.json, as for receipts.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from zhaocai.bidding.receipts import ReceiptSigner
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto import keys
from zhaocai.crypto.ports import InvalidSignatureError
from zhaocai.identity import repository as identity
from zhaocai.opening import repository
from zhaocai.tendering import codec
from zhaocai.tendering.queries import BiddingTerms

RECORD_FORMAT = "zhaocai-opening-record"
RECORD_VERSION = 1
RECORD_LABEL = b"zhaocai-opening-record/v1\x00"
PRICED_STAGES = frozenset({"whole", "price"})


class RecordInvalid(ValidationFailed):
    code = "record_invalid"


def _moment(at: datetime | None) -> str | None:
    return codec.to_data(at) if at is not None else None


def _party(conn: Connection, org_id: str) -> dict[str, str]:
    org = identity.get_organisation(conn, org_id)
    return {"org_id": org_id, "credit_code": org.credit_code if org else "", "name": org.name if org else ""}


def _bid_entry(conn: Connection, row: repository.BidOpening) -> dict[str, Any]:
    manifest = row.manifest or {}
    entry: dict[str, Any] = {
        "bid_id": row.bid_id,
        "bid_version_id": row.version_id,
        "bidder": _party(conn, row.bidder_org_id),
        "consortium": [_party(conn, org) for org in row.consortium_org_ids],
        "outcome": row.outcome,
        "reason": row.reason,
        "citation": row.citation,
        "void_at_deadline": row.void,
    }
    if row.outcome == "opened":
        entry |= {
            "price": row.price,
            "price_in_words": row.price_in_words,
            "duration_days": manifest.get("duration_days"),
            "quality": manifest.get("quality"),
            "project_manager": manifest.get("project_manager"),
            "declared": manifest.get("declared") or {},
            "files": len(manifest.get("files") or []),
        }
    return entry


def build_record(
    conn: Connection, terms: BiddingTerms, session: repository.Session, closed_at: datetime
) -> dict[str, Any]:
    plan = repository.get_plan(conn, terms.tender_id)
    body: dict[str, Any] = {
        "tender_id": terms.tender_id,
        "tender_number": terms.tender_number,
        "lot_id": terms.lot_id,
        "lot_number": terms.lot_number,
        "lot_name": terms.lot_name,
        "stage": session.stage,
        "bid_deadline": _moment(terms.bid_deadline),
        "opened_at": _moment(session.started_at),
        "window_ends_at": _moment(session.window_ends_at),
        "closed_at": _moment(closed_at),
        "bids_received": session.bids_received,
        "bids": [_bid_entry(conn, row) for row in repository.bids_of_session(conn, session.id)],
        "objections": [
            {
                "objection_id": o.id,
                "raised_by": _party(conn, o.raised_by_org_id),
                "text": o.text,
                "raised_at": _moment(o.raised_at),
                "answer": o.answer,
                "answered_at": _moment(o.answered_at),
            }
            for o in repository.objections_of_session(conn, session.id)
        ],
    }
    if plan is not None and plan.announce_reserve and session.stage in PRICED_STAGES:
        body["reserve_price"] = plan.reserve_price  # 标底, announced at opening (条例50)
    return body


def sign_record(signer: ReceiptSigner, platform_code: str, fields: dict[str, Any]) -> tuple[bytes, bytes]:
    """(canonical body, signature)."""
    body = {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "platform_code": platform_code,
        "key_id": signer.key_id,
        "algorithm": signer.algorithm,
    } | fields
    encoded = canonical_json(body)
    return encoded, signer.sign(RECORD_LABEL + encoded)


def verify_record(record: dict[str, Any], signature: bytes, published_keys: dict[str, Any]) -> None:
    """Check an opening record's signature with the platform's published keys; RecordInvalid says what is wrong."""
    if record.get("format") != RECORD_FORMAT or record.get("version") != RECORD_VERSION:
        raise RecordInvalid(f"not a {RECORD_FORMAT} version {RECORD_VERSION}", field="record")
    key = next((k for k in published_keys.get("keys", []) if k.get("key_id") == record.get("key_id")), None)
    if key is None or published_keys.get("platform_code") != record.get("platform_code"):
        raise RecordInvalid(f"the platform publishes no key {record.get('key_id')!r}", field="key_id")
    try:
        verifying_key = keys.load_verifying_key(base64.b64decode(key["public_key"], validate=True))
    except (ValueError, binascii.Error) as exc:
        raise RecordInvalid(f"the published key {key['key_id']} cannot be read", field="key_id") from exc
    try:
        verifying_key.verify(signature, RECORD_LABEL + canonical_json(record))
    except InvalidSignatureError as exc:
        raise RecordInvalid("the opening record's signature does not verify", field="signature") from exc
