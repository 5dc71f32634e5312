"""Building a tender's archive package (docs/archive.md): every provider's items with their hashes and detached
signatures, the signer certificates, the audit entries that concern the tender each with its RFC 6962 inclusion
proof against one signed checkpoint (the latest), that checkpoint, and a manifest signed by the platform.

`plan_package` reads on one connection (short: no blob is copied while it is open, so SQLite's write lock is not held
through a long copy); `write_package` then writes the zip to a binary file the caller gives, streamed: blob items
are copied chunk by chunk and re-hashed on the way, so a damaged blob is never archived as if it were sound.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any, BinaryIO, Protocol

from sqlalchemy import Connection, select

from zhaocai.adapters.blob.port import BlobStore
from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.archive import package
from zhaocai.archive.items import ArchiveItem
from zhaocai.archive.providers import collect_audit_object_ids, collect_items
from zhaocai.audit import proofs
from zhaocai.audit.entries import LEAF_FIELDS, leaf_bytes
from zhaocai.audit.merkle import tree_hasher
from zhaocai.audit.store import RawReader
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import Conflict
from zhaocai.crypto.certs.parsed import ParsedCertificate
from zhaocai.crypto.certs.pem import pem_encode
from zhaocai.tendering.repository import load_tender

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
COPY_CHUNK = 1024 * 1024
_IN_BATCH = 500


class ManifestSigner(Protocol):
    key_id: str
    algorithm: str

    def sign(self, data: bytes) -> bytes: ...


class ArchiveDamaged(Conflict):
    """A blob the archive must hold no longer matches its hash (bit rot, tampering): nothing is archived."""

    code = "archive_blob_damaged"


class NoCheckpoint(Conflict):
    code = "no_checkpoint"


@dataclass(frozen=True)
class PackageSummary:
    manifest_sha256: str
    item_count: int
    audit_entry_count: int
    tree_size: int


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _info(name: str, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o100644 << 16
    info.create_system = 3
    return info


def _checked_items(items: Sequence[ArchiveItem], blobs: BlobStore) -> list[tuple[ArchiveItem, int]]:
    seen: set[str] = set()
    checked = []
    for item in sorted(items, key=lambda i: i.path):
        package.check_item_path(item.path)
        package.check_media_type(item.media_type)
        if item.path in seen:
            raise ValueError(f"two archive items share the path {item.path!r}")
        seen.add(item.path)
        if (item.blob_key is None) == (item.data is None):
            raise ValueError(f"archive item {item.path!r} needs exactly one of blob_key and data")
        if item.data is not None:
            if _sha256(item.data) != item.sha256:
                raise ValueError(f"archive item {item.path!r}: its sha256 does not match its data")
            size = len(item.data)
        else:
            if item.blob_key != item.sha256:
                raise ValueError(f"archive item {item.path!r}: a blob's sha256 is its key")
            size = blobs.size(item.blob_key)
        if (item.signature is None) != (item.signature_algorithm is None):
            raise ValueError(f"archive item {item.path!r}: a signature needs its algorithm and vice versa")
        checked.append((item, size))
    return checked


def _certificates(items: Iterable[ArchiveItem]) -> dict[str, bytes]:
    """fingerprint (SHA-256 of the DER) -> PEM, for every signer certificate."""
    found: dict[str, bytes] = {}
    for item in items:
        if item.signer_certificate_pem is not None:
            parsed = ParsedCertificate.from_bytes(item.signer_certificate_pem)
            found.setdefault(parsed.fingerprint, pem_encode("CERTIFICATE", parsed.der))
    return found


def _item_entry(item: ArchiveItem, size: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": item.path, "media_type": item.media_type, "size": size, "sha256": item.sha256}
    if item.signature is not None:
        certificate = None
        if item.signer_certificate_pem is not None:
            certificate = ParsedCertificate.from_bytes(item.signer_certificate_pem).fingerprint
        entry["signature"] = {
            "algorithm": item.signature_algorithm,
            "value": _b64(item.signature),
            "certificate": certificate,
            "signed_at": item.signed_at.isoformat() if item.signed_at else None,
        }
    return entry


def _audit_rows(conn: Connection, object_ids: set[str], tree_size: int) -> list[Any]:
    columns = [audit_entries.c.leaf_index, *(audit_entries.c[name] for name in LEAF_FIELDS)]
    ordered = sorted(object_ids)
    rows: list[Any] = []
    for start in range(0, len(ordered), _IN_BATCH):
        query = select(*columns).where(
            audit_entries.c.object_id.in_(ordered[start : start + _IN_BATCH]),
            audit_entries.c.leaf_index.is_not(None),
            audit_entries.c.leaf_index < tree_size,
        )
        rows.extend(conn.execute(query).all())
    return sorted(rows, key=lambda row: row.leaf_index)


def _audit_document(conn: Connection, object_ids: set[str]) -> tuple[dict[str, Any], str]:
    """(the entries document, the checkpoint note): every integrated entry about the tender's objects, each with
    its inclusion proof in the tree of the latest checkpoint."""
    checkpoint = RawReader(conn).checkpoint()
    if checkpoint is None:
        raise NoCheckpoint("the audit log has no signed checkpoint yet: run the sequencer", field="audit")
    hasher = tree_hasher(checkpoint.hash_name)
    entries = []
    for row in _audit_rows(conn, object_ids, checkpoint.size):
        data = leaf_bytes(row)
        proof = proofs.inclusion_proof(conn, leaf_index=row.leaf_index, tree_size=checkpoint.size)
        if base64.b64decode(proof["leaf_hash"]) != hasher.hash_leaf(data):
            raise ArchiveDamaged(f"audit entry {row.entry_id} does not hash to its stored leaf", field="audit")
        entries.append(
            {"leaf_index": row.leaf_index, "entry": json.loads(data), "inclusion_path": proof["inclusion_path"]}
        )
    document = {
        "origin": checkpoint.origin,
        "hash": checkpoint.hash_name,
        "tree_size": checkpoint.size,
        "root": _b64(checkpoint.root),
        "leaf_fields": list(LEAF_FIELDS),
        "entries": entries,
    }
    return document, checkpoint.note


@dataclass(frozen=True)
class PackagePlan:
    """Everything the package holds, read from the database; writing it needs only the blob store."""

    manifest: bytes
    signature: bytes
    files: dict[str, bytes]
    items: list[tuple[ArchiveItem, int]]
    summary: PackageSummary


def plan_package(
    conn: Connection,
    *,
    tender_id: str,
    blobs: BlobStore,
    providers: Sequence[ModuleType],
    signer: ManifestSigner,
    platform_code: str,
    built_at: datetime,
) -> PackagePlan:
    tender = load_tender(conn, tender_id).tender
    items = _checked_items(collect_items(conn, tender_id, providers, blobs=blobs), blobs)
    certificates = _certificates(item for item, _ in items)
    audit_document, checkpoint_note = _audit_document(conn, collect_audit_object_ids(conn, tender_id, providers))
    files = {package.certificate_member(fp): pem for fp, pem in sorted(certificates.items())}
    files[package.AUDIT_ENTRIES] = canonical_json(audit_document)
    files[package.AUDIT_CHECKPOINT] = checkpoint_note.encode()
    manifest = {
        "format": package.FORMAT,
        "version": package.VERSION,
        "platform_code": platform_code,
        "tender": {"id": tender.id, "number": tender.number, "name": tender.name, "suite": tender.suite.value},
        "built_at": built_at.isoformat(),
        "signer": {"key_id": signer.key_id, "algorithm": signer.algorithm},
        "items": [_item_entry(item, size) for item, size in items],
        "files": [{"path": name, "size": len(data), "sha256": _sha256(data)} for name, data in files.items()],
        "audit": {
            "entries": package.AUDIT_ENTRIES,
            "checkpoint": package.AUDIT_CHECKPOINT,
            "origin": audit_document["origin"],
            "hash": audit_document["hash"],
            "tree_size": audit_document["tree_size"],
            "root": audit_document["root"],
            "entry_count": len(audit_document["entries"]),
        },
    }
    manifest_bytes = canonical_json(manifest)
    summary = PackageSummary(
        _sha256(manifest_bytes), len(items), len(audit_document["entries"]), int(audit_document["tree_size"])
    )
    signature = signer.sign(package.MANIFEST_LABEL + manifest_bytes)
    return PackagePlan(manifest_bytes, signature, files, items, summary)


def write_package(plan: PackagePlan, out: BinaryIO, blobs: BlobStore) -> PackageSummary:
    """Write the zip: manifest and its signature, certificates and audit files, then every item."""
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
        archive.writestr(_info(package.MANIFEST, True), plan.manifest)
        archive.writestr(_info(package.MANIFEST_SIGNATURE, False), plan.signature)
        for name, data in plan.files.items():
            archive.writestr(_info(name, True), data)
        for item, size in plan.items:
            _write_item(archive, item, size, blobs)
    return plan.summary


def _write_item(archive: zipfile.ZipFile, item: ArchiveItem, size: int, blobs: BlobStore) -> None:
    name = package.member_name(item.path)
    if item.data is not None:
        archive.writestr(_info(name, True), item.data)
        return
    assert item.blob_key is not None
    digest = hashlib.sha256()
    written = 0
    info = _info(name, False)
    with archive.open(info, "w", force_zip64=size > 2**31) as target:
        for chunk in blobs.iter_chunks(item.blob_key, COPY_CHUNK):
            digest.update(chunk)
            written += len(chunk)
            target.write(chunk)
    if digest.hexdigest() != item.blob_key or written != size:
        raise ArchiveDamaged(
            f"the stored blob of {item.path!r} no longer matches its hash {item.blob_key}: nothing was archived",
            field="blob_key",
        )
