"""What the opening puts in a tender's archive package (zhaocai.archive): per lot and stage, the signed opening record
(the signed message `"zhaocai-opening-record/v1" ‖ 0x00 ‖ canonical JSON`, with the platform key's detached
signature — a reader drops the label) and a summary of the opened bids (outcomes, prices, every opened file's
SHA-256, the plaintext itself being in the sealed envelopes the bidding provider archives); a failed lot (流标) as its
failure record; and the ids whose audit entries belong in the package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from zhaocai.archive.items import ArchiveItem, inline_item, json_item
from zhaocai.opening import repository
from zhaocai.opening.model import SessionState
from zhaocai.opening.queries import opened_bids
from zhaocai.opening.record import RECORD_LABEL
from zhaocai.tendering.queries import tender_lot_ids

RECORD_MEDIA_TYPE = "application/vnd.zhaocai.opening-record"


def _summary(conn: Connection, lot_id: str) -> list[dict[str, Any]]:
    return [
        {
            "bid_id": bid.bid_id,
            "version_id": bid.version_id,
            "bidder_org_id": bid.bidder_org_id,
            "consortium_org_ids": list(bid.consortium_org_ids),
            "outcome": bid.outcome,
            "outcome_reason": bid.outcome_reason,
            "outcome_citation": bid.outcome_citation,
            "sections_opened": list(bid.sections_opened),
            "price": None if bid.price is None else str(bid.price),
            "price_in_words": bid.price_in_words,
            "files": [{"section": f.section, "name": f.name, "sha256": f.sha256, "size": f.size} for f in bid.files],
        }
        for bid in opened_bids(conn, lot_id)
    ]


def archive_items(conn: Connection, tender_id: str) -> list[ArchiveItem]:
    items: list[ArchiveItem] = []
    for seq, lot_id in enumerate(tender_lot_ids(conn, tender_id), start=1):
        sessions = repository.sessions_of_lot(conn, lot_id)
        if not sessions:
            continue
        folder = f"opening/lot-{seq:02d}"
        for session in sessions:
            if session.state == SessionState.FAILED:
                items.append(
                    json_item(
                        f"{folder}/failed.json",
                        {
                            "lot_id": lot_id,
                            "stage": session.stage,
                            "bids_received": session.bids_received,
                            "failed_at": session.closed_at,
                            "reason": session.failure_reason,
                            "citation": session.failure_citation,
                        },
                    )
                )
                continue
            record = repository.get_record(conn, session.record_id) if session.record_id else None
            if record is not None:
                items.append(
                    inline_item(
                        f"{folder}/{session.stage}/record.bin",
                        RECORD_MEDIA_TYPE,
                        RECORD_LABEL + record.body,
                        signature=record.signature,
                        signature_algorithm=record.algorithm,
                        signed_at=record.created_at,
                    )
                )
        if sessions[0].state == SessionState.CLOSED:
            items.append(json_item(f"{folder}/opened-bids.json", _summary(conn, lot_id)))
    return items


def audit_object_ids(conn: Connection, tender_id: str) -> Iterable[str]:
    ids: set[str] = {tender_id}
    for session in repository.sessions_of_tender(conn, tender_id):
        ids.update({session.id, session.lot_id})
        ids.update(row.bid_id for row in repository.bids_of_session(conn, session.id))
        ids.update(objection.id for objection in repository.objections_of_session(conn, session.id))
    return ids
