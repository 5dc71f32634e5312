"""Verifying an archive package offline (docs/archive.md §6): no database, no network, only the package and the
trust anchors the user gives (anchors.py). Keys and certificates inside the package prove nothing by themselves.

Order: the manifest's signature first (by a platform key among the anchors; if it fails nothing else in the package
can be believed, and checking stops); then that the package holds exactly what the manifest lists; every file's
size and SHA-256; every sealed envelope's structure, ciphertext hashes and header signature; every detached
signature (with its certificate chain up to an anchor CA, or with a platform key); the checkpoint's signature and
that it is the tree the manifest names; every audit entry's leaf hash and inclusion proof in that tree.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from zhaocai.archive import package
from zhaocai.archive.anchors import Anchors
from zhaocai.audit.checkpoint import open_checkpoint
from zhaocai.audit.entries import LEAF_FIELDS
from zhaocai.audit.merkle import ProofError, tree_hasher, verify_inclusion
from zhaocai.audit.note import NoteError, note_verifier
from zhaocai.audit.wiring import CHECKPOINT_PURPOSES
from zhaocai.bidding.archiving import ENVELOPE_MEDIA_TYPE
from zhaocai.bidding.receipts import PLATFORM_KEY_PURPOSE
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import DomainError
from zhaocai.crypto.certs.parsed import ParsedCertificate
from zhaocai.crypto.ports import InvalidSignatureError
from zhaocai.sealing.errors import EnvelopeError
from zhaocai.sealing.opening import verify_header_signature
from zhaocai.sealing.reader import EnvelopeReader

MAX_MANIFEST_BYTES = 256 * 1024 * 1024
MAX_SIGNATURE_BYTES = 1024
MAX_SIGNED_ITEM_BYTES = 256 * 1024 * 1024  # a signed item is read whole to check its signature
READ_CHUNK = 1024 * 1024

MANIFEST_SIGNATURE = "manifest signature"
CONTENTS = "package contents"
HASHES = "file hashes"
ENVELOPES = "sealed envelopes"
SIGNATURES = "item signatures"
CHECKPOINT = "checkpoint"
AUDIT = "audit entries"
CATEGORIES = (MANIFEST_SIGNATURE, CONTENTS, HASHES, ENVELOPES, SIGNATURES, CHECKPOINT, AUDIT)


class _Bad(Exception):
    pass


@dataclass(frozen=True)
class Check:
    category: str
    subject: str  # the package member, item path or audit entry id checked
    ok: bool
    detail: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((check for check in self.checks if not check.ok), None)

    def add(self, category: str, subject: str, ok: bool = True, detail: str = "") -> None:
        self.checks.append(Check(category, subject, ok, detail))

    def summary(self) -> list[tuple[str, int, int, Check | None]]:
        """Per category: (category, checked, failed, first failure)."""
        rows = []
        for category in CATEGORIES:
            mine = [check for check in self.checks if check.category == category]
            failed = [check for check in mine if not check.ok]
            rows.append((category, len(mine), len(failed), failed[0] if failed else None))
        return rows


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise _Bad(f"{info.filename} is {info.file_size} bytes, more than the {limit} allowed")
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise _Bad(f"{info.filename} inflates beyond its declared size")
    return data


def _digest(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, sink: Callable[[bytes], None] | None = None
) -> str:
    """SHA-256 of a member, reading at most size + 1 bytes (a member that inflates beyond its listed size fails);
    each chunk also goes to `sink` when given."""
    digest = hashlib.sha256()
    left = size + 1
    with archive.open(info) as stream:
        while left > 0 and (chunk := stream.read(min(READ_CHUNK, left))):
            digest.update(chunk)
            if sink is not None:
                sink(chunk)
            left -= len(chunk)
    if left <= 0:
        raise _Bad(f"{info.filename} holds more than the {size} bytes the manifest lists")
    return digest.hexdigest()


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in members:
            raise _Bad(f"the package holds {info.filename!r} twice")
        members[info.filename] = info
    return members


def _check_manifest(report: Report, archive: zipfile.ZipFile, anchors: Anchors) -> dict[str, Any]:
    members = _members(archive)
    if package.MANIFEST not in members or package.MANIFEST_SIGNATURE not in members:
        raise _Bad(f"the package has no {package.MANIFEST} or no {package.MANIFEST_SIGNATURE}")
    raw = _read(archive, members[package.MANIFEST], MAX_MANIFEST_BYTES)
    signature = _read(archive, members[package.MANIFEST_SIGNATURE], MAX_SIGNATURE_BYTES)
    try:
        manifest = json.loads(raw)
        signer = manifest["signer"]
        key_id, algorithm, platform_code = signer["key_id"], signer["algorithm"], manifest["platform_code"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _Bad(f"the manifest cannot be read: {exc}") from exc
    if (manifest.get("format"), manifest.get("version")) != (package.FORMAT, package.VERSION):
        raise _Bad(f"not a {package.FORMAT} version {package.VERSION} manifest")
    if platform_code != anchors.platform_code:
        raise _Bad(f"the package is from platform {platform_code!r}; the keys given are {anchors.platform_code!r}'s")
    trusted = anchors.key(key_id)
    if trusted is None or trusted.purpose != PLATFORM_KEY_PURPOSE:
        raise _Bad(f"the manifest is signed by key {key_id!r}, which is not among the platform keys given")
    if trusted.algorithm != algorithm:
        raise _Bad(f"the manifest names algorithm {algorithm!r}; the trusted key {key_id} is {trusted.algorithm}")
    try:
        trusted.key.verify(signature, package.MANIFEST_LABEL + raw)
    except InvalidSignatureError:
        raise _Bad(f"the manifest's signature does not verify with the platform key {key_id}") from None
    report.add(MANIFEST_SIGNATURE, package.MANIFEST, True, f"signed by platform key {key_id} ({algorithm})")
    return manifest


def _listed(manifest: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """Member name -> (size, sha256) for everything the manifest lists."""
    listed: dict[str, tuple[int, str]] = {}
    for entry in manifest["files"]:
        listed[entry["path"]] = (entry["size"], entry["sha256"])
    for item in manifest["items"]:
        name = package.member_name(package.check_item_path(item["path"]))
        if name in listed:
            raise _Bad(f"the manifest lists {name!r} twice")
        listed[name] = (item["size"], item["sha256"])
    return listed


def _check_contents(report: Report, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, EnvelopeReader]:
    """Returns a reader per sealed-envelope item, fed while hashing (one pass over each envelope)."""
    members = _members(archive)
    listed = _listed(manifest)
    envelopes = {
        package.member_name(item["path"]): EnvelopeReader()
        for item in manifest["items"]
        if item["media_type"] == ENVELOPE_MEDIA_TYPE
    }
    for name in sorted(set(members) - set(listed) - {package.MANIFEST, package.MANIFEST_SIGNATURE}):
        report.add(CONTENTS, name, False, "in the package but not in the signed manifest")
    for name in listed:
        if name not in members:
            report.add(CONTENTS, name, False, "listed in the manifest but missing from the package")
    if all(check.ok for check in report.checks if check.category == CONTENTS):
        report.add(CONTENTS, "*", True, f"{len(listed)} files, as listed")
    for name, (size, sha256) in listed.items():
        info = members.get(name)
        if info is None:
            envelopes.pop(name, None)
            continue
        reader = envelopes.get(name)
        try:
            actual = _digest(archive, info, size, _feeder(reader) if reader else None)
        except (_Bad, zipfile.BadZipFile, OSError) as exc:
            report.add(HASHES, name, False, str(exc))
            envelopes.pop(name, None)
            continue
        if actual != sha256 or info.file_size != size:
            report.add(HASHES, name, False, f"SHA-256 {actual} (size {info.file_size}); the manifest says {sha256}")
        else:
            report.add(HASHES, name)
    return envelopes


def _feeder(reader: EnvelopeReader) -> Callable[[bytes], None]:
    """Feed the reader until it fails; the failure is kept for finish() to raise."""

    def feed(chunk: bytes) -> None:
        with contextlib.suppress(EnvelopeError):
            reader.feed(chunk)

    return feed


def _check_envelopes(report: Report, envelopes: dict[str, EnvelopeReader], manifest: dict[str, Any]) -> None:
    """Each sealed envelope is well formed, its sections are the ciphertext its signed header names, the header's
    signature verifies with the certificate inside it, and that certificate is one of the package's signer
    certificates (whose chains to a trusted CA the item signatures check)."""
    certificates = {
        entry["path"].removeprefix(package.CERTIFICATES_DIR).removesuffix(".pem")
        for entry in manifest["files"]
        if entry["path"].startswith(package.CERTIFICATES_DIR)
    }
    for name, reader in envelopes.items():
        try:
            envelope = reader.finish()
            verify_header_signature(envelope.header)
        except EnvelopeError as exc:
            report.add(ENVELOPES, name, False, f"{exc.code}: {exc.message}")
            continue
        fingerprint = hashlib.sha256(envelope.header.signer_certificate).hexdigest()
        if fingerprint not in certificates:
            report.add(ENVELOPES, name, False, "its signer certificate is not among the package's checked certificates")
        else:
            report.add(ENVELOPES, name, True, f"{len(envelope.sections)} sections, signed header")


def _certificate(archive: zipfile.ZipFile, fingerprint: str) -> ParsedCertificate:
    name = package.certificate_member(fingerprint)
    try:
        parsed = ParsedCertificate.from_bytes(_read(archive, archive.getinfo(name), 1024 * 1024))
    except KeyError:
        raise _Bad(f"the signer certificate {name} is missing") from None
    except ValueError as exc:
        raise _Bad(f"the signer certificate {name} cannot be read: {exc}") from exc
    if parsed.fingerprint != fingerprint:
        raise _Bad(f"{name} is not the certificate with that fingerprint")
    return parsed


def _check_signature(archive: zipfile.ZipFile, item: dict[str, Any], anchors: Anchors, built_at: datetime) -> str:
    signature = item["signature"]
    value = base64.b64decode(signature["value"], validate=True)
    data = _read(archive, archive.getinfo(package.member_name(item["path"])), MAX_SIGNED_ITEM_BYTES)
    if hashlib.sha256(data).hexdigest() != item["sha256"]:
        raise _Bad("its content does not match its hash")
    if signature.get("certificate"):
        certificate = _certificate(archive, signature["certificate"])
        if certificate.key_algorithm != signature["algorithm"]:
            raise _Bad(f"the signature is {signature['algorithm']}, the certificate's key {certificate.key_algorithm}")
        at = datetime.fromisoformat(signature["signed_at"]) if signature.get("signed_at") else built_at
        try:
            verified = anchors.store.verify_signature(certificate.der, data, value, at=at)
        except DomainError as exc:  # every CertificateRejected: untrusted CA, expired, revoked, bad signature ...
            raise _Bad(exc.message) from None
        return f"by '{verified.subject}' via {' → '.join(verified.chain)}"
    for candidate in anchors.keys:
        if candidate.algorithm != signature["algorithm"] or candidate.purpose in CHECKPOINT_PURPOSES.values():
            continue
        try:
            candidate.key.verify(value, data)
        except InvalidSignatureError:
            continue
        return f"by platform key {candidate.key_id} ({candidate.purpose})"
    raise _Bad("no platform key given verifies its signature, and it names no certificate")


def _check_signatures(report: Report, archive: zipfile.ZipFile, manifest: dict[str, Any], anchors: Anchors) -> None:
    built_at = datetime.fromisoformat(manifest["built_at"])
    for item in manifest["items"]:
        if not item.get("signature"):
            continue
        try:
            detail = _check_signature(archive, item, anchors, built_at)
        except (_Bad, KeyError, ValueError, binascii.Error, zipfile.BadZipFile) as exc:
            report.add(SIGNATURES, item["path"], False, str(exc) or type(exc).__name__)
        else:
            report.add(SIGNATURES, item["path"], True, detail)


def _check_audit(report: Report, archive: zipfile.ZipFile, manifest: dict[str, Any], anchors: Anchors) -> None:
    audit = manifest["audit"]
    origin = f"zhaocai/{anchors.platform_code}/audit"
    verifiers = [
        note_verifier(origin, published.key) for published in anchors.with_purpose(*CHECKPOINT_PURPOSES.values())
    ]
    try:
        note = _read(archive, archive.getinfo(audit["checkpoint"]), 64 * 1024).decode()
        checkpoint, opened = open_checkpoint(note, verifiers)
        root = base64.b64decode(audit["root"], validate=True)
        if (checkpoint.origin, checkpoint.size, checkpoint.root) != (origin, audit["tree_size"], root):
            raise _Bad(
                f"the checkpoint is of log {checkpoint.origin!r} at size {checkpoint.size}; the manifest names "
                f"{origin!r} at size {audit['tree_size']} with another root"
            )
    except (_Bad, NoteError, KeyError, ValueError, UnicodeDecodeError) as exc:
        report.add(CHECKPOINT, audit.get("checkpoint", "?"), False, str(exc))
        return
    report.add(
        CHECKPOINT, audit["checkpoint"], True, f"size {checkpoint.size}, signed by {', '.join(opened.verified_by)}"
    )
    try:
        document = json.loads(_read(archive, archive.getinfo(audit["entries"]), MAX_MANIFEST_BYTES))
        entries = document["entries"]
        hasher = tree_hasher(audit["hash"])
    except (_Bad, KeyError, ValueError) as exc:
        report.add(AUDIT, audit.get("entries", "?"), False, f"the audit entries cannot be read: {exc}")
        return
    if len(entries) != audit["entry_count"]:
        report.add(AUDIT, audit["entries"], False, f"{len(entries)} entries; the manifest says {audit['entry_count']}")
    for position, record in enumerate(entries):
        subject = f"entry {position}"
        try:
            entry = record["entry"]
            subject = str(entry.get("entry_id", subject))
            if sorted(entry) != sorted(LEAF_FIELDS):
                raise _Bad("its fields are not the log's leaf fields")
            leaf_hash = hasher.hash_leaf(canonical_json({name: entry[name] for name in LEAF_FIELDS}))
            path = [base64.b64decode(h, validate=True) for h in record["inclusion_path"]]
            verify_inclusion(hasher, record["leaf_index"], checkpoint.size, leaf_hash, path, checkpoint.root)
        except (_Bad, ProofError, KeyError, TypeError, ValueError, AttributeError) as exc:
            report.add(AUDIT, subject, False, f"not proven in the signed log: {exc}")
        else:
            report.add(AUDIT, subject)


def verify_package(source: Path | BinaryIO, anchors: Anchors) -> Report:
    report = Report()
    try:
        with zipfile.ZipFile(source) as archive:
            try:
                manifest = _check_manifest(report, archive, anchors)
            except (_Bad, zipfile.BadZipFile) as exc:
                report.add(MANIFEST_SIGNATURE, package.MANIFEST, False, str(exc))
                return report
            report.manifest = manifest
            try:
                envelopes = _check_contents(report, archive, manifest)
                _check_envelopes(report, envelopes, manifest)
                _check_signatures(report, archive, manifest, anchors)
                _check_audit(report, archive, manifest, anchors)
            except (_Bad, package.PackagePathError, KeyError, TypeError) as exc:
                report.add(CONTENTS, "manifest", False, f"the manifest is malformed: {exc}")
    except (zipfile.BadZipFile, OSError) as exc:
        report.add(MANIFEST_SIGNATURE, str(source), False, f"not a readable zip package: {exc}")
    return report


def iter_failures(report: Report) -> Iterator[Check]:
    return (check for check in report.checks if not check.ok)
