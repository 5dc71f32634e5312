"""What a package's provider hands the archive builder: one file of the package each.

Every domain package exposes `zhaocai.<pkg>.archiving.archive_items(conn, tender_id) -> list[ArchiveItem]`;
the builder (archive/builder.py) collects them through archive/providers.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhaocai.core.canonical import canonical_json

SIGNATURE_ALGORITHMS = ("sm2-sm3", "ecdsa-p256-sha256", "ed25519")
JSON = "application/json"


@dataclass(frozen=True)
class ArchiveItem:
    path: str  # inside the package, e.g. "opening/lot-01/record.json"
    media_type: str
    blob_key: str | None  # content in container.blobs, or
    data: bytes | None  # content inline
    sha256: str
    signature: bytes | None = None  # a detached signature over the content, if the item is signed
    signer_certificate_pem: bytes | None = None
    signature_algorithm: str | None = None  # "sm2-sm3" | "ecdsa-p256-sha256" | "ed25519"
    # When the signature was made, as the platform recorded it: the signer's certificate is checked at this time
    # (default: when the package was built). Beyond the contract's fields; optional.
    signed_at: datetime | None = None


def inline_item(
    path: str,
    media_type: str,
    data: bytes,
    *,
    signature: bytes | None = None,
    signer_certificate_pem: bytes | None = None,
    signature_algorithm: str | None = None,
    signed_at: datetime | None = None,
) -> ArchiveItem:
    """An item whose content is carried inline; its hash is computed here."""
    return ArchiveItem(
        path=path,
        media_type=media_type,
        blob_key=None,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        signature=signature,
        signer_certificate_pem=signer_certificate_pem,
        signature_algorithm=signature_algorithm,
        signed_at=signed_at,
    )


def json_item(path: str, value: Any) -> ArchiveItem:
    """An inline canonical-JSON item (datetimes ISO 8601, Decimals as strings, bytes base64)."""
    return inline_item(path, JSON, canonical_json(value))


def blob_item(path: str, media_type: str, blob_key: str, **signature: Any) -> ArchiveItem:
    """An item whose content is a blob; the blob key is its SHA-256 (adapters/blob/port.py)."""
    return ArchiveItem(path=path, media_type=media_type, blob_key=blob_key, data=None, sha256=blob_key, **signature)


def safe_segment(name: str) -> str:
    """One path segment made from outside text (a file name): no separators, no control characters, never `.`/`..`."""
    cleaned = "".join("_" if ch in "/\\" or ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in name).strip()
    return cleaned if cleaned not in ("", ".", "..") else "_"
