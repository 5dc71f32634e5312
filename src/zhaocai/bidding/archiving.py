"""What bidding contributes to a tender's electronic archive (20号令40): every sealed envelope (ciphertext, as
received) of every bid and prequalification application, the bidder's signature over each envelope header with its
certificate, the platform's signed receipts, and the signed withdrawal notices. See zhaocai/archive/providers.py.

Signed items carry exactly the bytes that were signed (docs/archive.md §4): `signed-header.bin` is
"zhaocai-envelope/v1 header-signature" ‖ 0x00 ‖ header; a receipt is "zhaocai-receipt/v1" ‖ 0x00 ‖ canonical JSON;
a withdrawal notice "zhaocai-bid-withdrawal/v1" ‖ 0x00 ‖ canonical JSON. Whoever reads them drops the label.

Who bid is secret until the deadline (法22): the archive use case builds a package only after it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from zhaocai.adapters.blob.port import BlobStore
from zhaocai.archive.items import ArchiveItem, blob_item, inline_item, json_item
from zhaocai.bidding.receipts import SIGNATURE_ALGORITHM, SignedReceipt
from zhaocai.bidding.repository import (
    APPLICATIONS,
    BIDS,
    Ledger,
    StoredBid,
    StoredVersion,
    applications_of_tender,
    bids_of_tender,
    members_of,
    versions_of,
    withdrawals_of,
)
from zhaocai.bidding.withdrawal_notice import WITHDRAWAL_LABEL
from zhaocai.crypto.certs.pem import pem_encode
from zhaocai.sealing.layout import SIGNATURE_LABEL
from zhaocai.sealing.reader import read_header

ENVELOPE_MEDIA_TYPE = "application/vnd.zhaocai.sealed-envelope"
SIGNED_HEADER_MEDIA_TYPE = "application/vnd.zhaocai.envelope-header-signed"
RECEIPT_MEDIA_TYPE = "application/vnd.zhaocai.receipt-signed"
WITHDRAWAL_MEDIA_TYPE = "application/vnd.zhaocai.bid-withdrawal-signed"


def archive_items(conn: Any, tender_id: str, blobs: BlobStore | None = None) -> list[ArchiveItem]:
    if blobs is None:
        raise ValueError("the bidding archive reads each envelope's signed header: pass the blob store")
    items: list[ArchiveItem] = []
    for ledger, heads, kind in (
        (BIDS, bids_of_tender(conn, tender_id), "bids"),
        (APPLICATIONS, applications_of_tender(conn, tender_id), "prequalification"),
    ):
        for bid in heads:
            items.extend(_bid_items(conn, blobs, ledger, bid, f"bidding/{kind}/{bid.id}"))
    return items


def _bid_items(conn: Any, blobs: BlobStore, ledger: Ledger, bid: StoredBid, base: str) -> list[ArchiveItem]:
    versions = versions_of(conn, bid.id, ledger=ledger)
    members = members_of(conn, [version.id for version in versions]) if ledger is BIDS else {}
    withdrawals = withdrawals_of(conn, bid.id) if ledger is BIDS else []
    summary = asdict(bid) | {
        "versions": [_version_summary(version) | {"consortium": members.get(version.id, [])} for version in versions],
        "withdrawals": [
            {k: v for k, v in asdict(w).items() if k not in ("signature", "receipt", "notice")} for w in withdrawals
        ],
    }
    items = [json_item(f"{base}/bid.json", summary)]
    certificates: dict[int, bytes] = {}
    for version in versions:
        folder = f"{base}/v{version.version}"
        items.append(blob_item(f"{folder}/envelope.bin", ENVELOPE_MEDIA_TYPE, version.envelope_key))
        with blobs.open(version.envelope_key) as stream:
            header = read_header(stream)
        certificate = pem_encode("CERTIFICATE", header.signer_certificate)
        certificates[version.version] = certificate
        items.append(
            inline_item(
                f"{folder}/signed-header.bin",
                SIGNED_HEADER_MEDIA_TYPE,
                SIGNATURE_LABEL + header.encoded,
                signature=header.signature,
                signer_certificate_pem=certificate,
                signature_algorithm=SIGNATURE_ALGORITHM[version.suite],
                signed_at=version.submitted_at,
            )
        )
        if version.receipt:
            items.append(_receipt_item(f"{folder}/receipt.bin", version.receipt, version.submitted_at))
    for number, withdrawal in enumerate(withdrawals, start=1):
        folder = f"{base}/withdrawal-{number}"
        suite = next(version.suite for version in versions if version.version == withdrawal.version)
        items.append(
            inline_item(
                f"{folder}/notice.bin",
                WITHDRAWAL_MEDIA_TYPE,
                WITHDRAWAL_LABEL + withdrawal.notice.encode(),
                signature=bytes(withdrawal.signature),
                signer_certificate_pem=certificates.get(withdrawal.version),
                signature_algorithm=SIGNATURE_ALGORITHM[suite],
                signed_at=withdrawal.withdrawn_at,
            )
        )
        if withdrawal.receipt:
            items.append(_receipt_item(f"{folder}/receipt.bin", withdrawal.receipt, withdrawal.withdrawn_at))
    return items


def _version_summary(version: StoredVersion) -> dict[str, Any]:
    return {k: v for k, v in asdict(version).items() if k not in ("receipt", "idempotency_key")}


def _receipt_item(path: str, encoded: str, signed_at: Any) -> ArchiveItem:
    receipt = SignedReceipt.from_json(json.loads(encoded))
    return inline_item(
        path,
        RECEIPT_MEDIA_TYPE,
        receipt.signed_message,
        signature=receipt.signature,
        signature_algorithm=receipt.body.get("algorithm"),
        signed_at=signed_at,
    )


def audit_object_ids(conn: Any, tender_id: str) -> Iterable[str]:
    ids: set[str] = set()
    for ledger, heads in (
        (BIDS, bids_of_tender(conn, tender_id)),
        (APPLICATIONS, applications_of_tender(conn, tender_id)),
    ):
        for bid in heads:
            ids.add(bid.id)
            ids.update(version.id for version in versions_of(conn, bid.id, ledger=ledger))
            if ledger is BIDS:
                ids.update(withdrawal.id for withdrawal in withdrawals_of(conn, bid.id))
    return ids
