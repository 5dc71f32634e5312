"""Opening one section of one stored envelope with a handed-over content key, streaming (docs/opening.md):

envelope blob → header (re-checked, signature re-verified) → key commitment → the section archive read defensively
(size, count and ratio limits, no links, no unsafe names; `zhaocai.bidding.archive`) straight from the envelope
through `DecryptedSection`, which decrypts and authenticates chunk by chunk as the archive reader asks, hashing the
ciphertext in the same pass → each file streamed into the blob store, its size and hash checked against the manifest
→ every chunk's tag checked → the section's ciphertext hash compared with the signed one (on any failure, that
comparison is made first, from a fresh read: damage in storage is the platform's fault whatever else failed).
Nothing holds more than a few chunks and a block of a bid in memory, and no plaintext touches the disk but the opened
files themselves.

A failure is a `DecryptionFailed` whose `code` says who answers for it (zhaocai.opening.model.fault_of).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from zhaocai.adapters.blob.port import HASH_NAME as BLOB_HASH
from zhaocai.adapters.blob.port import BlobNotFound, BlobStore
from zhaocai.bidding.archive import (
    DEFAULT_ARCHIVE_LIMITS,
    ArchiveLimits,
    ArchiveRefused,
    _check_entries,
    _read_limited,
)
from zhaocai.bidding.manifest import FILES_PREFIX, MANIFEST_NAME, SectionManifest
from zhaocai.core.errors import DomainError, ValidationFailed
from zhaocai.crypto.suites import get_suite
from zhaocai.opening.repository import FileRow
from zhaocai.opening.section_reader import DecryptedSection, ciphertext_hash_matches
from zhaocai.sealing import EnvelopeError, EnvelopeHeader, SectionEntry, read_header, verify_header_signature

MEMBER_BLOCK = 256 * 1024


class DecryptionFailed(ValidationFailed):
    """A section did not open; `code` is an envelope error code (docs/envelope.md §9), `archive_refused`,
    `manifest_invalid`, `manifest_mismatch` or `stored_envelope_damaged`."""

    code = "decryption_failed"


@dataclass(frozen=True)
class OpenedSection:
    manifest: SectionManifest
    files: list[FileRow]


def _damaged(message: str, field: str = "envelope") -> DecryptionFailed:
    return DecryptionFailed(
        f"the stored envelope cannot be read back as accepted: {message}", field=field, code="stored_envelope_damaged"
    )


def stored_header(blobs: BlobStore, envelope_key: str, receipt_header_hash: str) -> EnvelopeHeader:
    """The envelope's header as stored, its signature re-verified (it was checked at upload: a failure now is
    damage in storage) and the one the receipt acknowledged."""
    try:
        with blobs.open(envelope_key) as stream:
            return _checked_header(stream, receipt_header_hash)
    except BlobNotFound as exc:
        raise _damaged("it is missing from the blob store") from exc


def _checked_header(stream: BinaryIO, receipt_header_hash: str) -> EnvelopeHeader:
    """The stored header, its bidder signature verified again, and exactly the header the platform acknowledged in
    its receipt: another validly signed envelope of the same bidder (an older version, say) put in its place is
    damage in storage, not the bid."""
    try:
        header = read_header(stream)
        verify_header_signature(header)
    except EnvelopeError as exc:
        raise _damaged(exc.message) from exc
    if get_suite(header.suite).hash(header.encoded).hex() != receipt_header_hash:
        raise _damaged("its header is not the one the platform's receipt acknowledged")
    return header


def _as_failure(error: EnvelopeError) -> DecryptionFailed:
    return DecryptionFailed(error.message, field=error.field, code=error.code)


def open_envelope_section(
    blobs: BlobStore,
    envelope_key: str,
    section: str,
    key: bytes,
    *,
    tender_id: str,
    lot_id: str,
    receipt_header_hash: str,
    limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
) -> OpenedSection:
    try:
        with blobs.open(envelope_key) as stream:
            header = _checked_header(stream, receipt_header_hash)
            if section not in {entry.name for entry in header.sections}:
                raise DecryptionFailed(
                    f"the envelope has no section {section!r}", field="section", code="no_such_section"
                )
            opened = _open_section(blobs, stream, header, header.section(section), key, limits)
    except BlobNotFound as exc:
        raise _damaged("it is missing from the blob store") from exc
    manifest = opened.manifest
    expected = {"section": section, "tender_id": tender_id, "lot_id": lot_id}
    found = {"section": manifest.section, "tender_id": manifest.tender_id, "lot_id": manifest.lot_id}
    if found != expected:
        raise DecryptionFailed(
            f"the bid's manifest names {found}, not {expected}", field="manifest", code="manifest_mismatch"
        )
    return opened


def _open_section(
    blobs: BlobStore, stream: BinaryIO, header: EnvelopeHeader, entry: SectionEntry, key: bytes, limits: ArchiveLimits
) -> OpenedSection:
    """Decrypt, unpack and store in one pass over the ciphertext, hashing it as it goes (docs/envelope.md §8).
    Whatever goes wrong, the ciphertext is first compared with the signed hash: a section that is not the one the
    bidder sealed is the platform's fault (stored_envelope_damaged) before anything else is said about it."""
    mismatch = f"the ciphertext of section {entry.name!r} is not the one its signed header names"
    try:
        plain = DecryptedSection(stream, header, entry, key)  # checks the key commitment first
        opened = unpack_section(blobs, plain, header.suite, limits)
        plain.check_every_chunk()
        intact = plain.ciphertext_hash_matches()
    except (DecryptionFailed, EnvelopeError) as failure:
        if not ciphertext_hash_matches(stream, header, entry):
            raise _damaged(mismatch) from None
        if isinstance(failure, EnvelopeError):
            raise _as_failure(failure) from failure
        raise
    if not intact:
        raise _damaged(mismatch)
    return opened


class _MemberBlocks:
    """An archive member read in blocks of at most MEMBER_BLOCK bytes, whatever size the reader asks for.

    zipfile copies each block several times on its way out (zlib's output, slices, concatenation); with 1 MiB blocks
    (`zhaocai.bidding.archive.COPY_BLOCK`) every copy lands in freshly mapped pages — glibc hands freed buffers of
    that size back to the system — and the page faults cost ~5 ms per 10 MB bid (bench/opening.py, perf). Buffers of
    256 KiB are reused instead. A short read is what a reader of a stream must expect; `_read_limited` does."""

    def __init__(self, member: BinaryIO) -> None:
        self._member = member

    def read(self, size: int = -1) -> bytes:
        return self._member.read(MEMBER_BLOCK if size < 0 else min(size, MEMBER_BLOCK))

    def __enter__(self) -> _MemberBlocks:
        return self

    def __exit__(self, *exc: object) -> None:
        self._member.close()


class _BlockArchive(zipfile.ZipFile):
    def open(self, name: Any, mode: Any = "r", pwd: bytes | None = None, *, force_zip64: bool = False) -> Any:
        member = super().open(name, mode, pwd, force_zip64=force_zip64)
        return _MemberBlocks(member) if mode == "r" else member


def _counted(blocks: Iterator[bytes], hasher: Any, sizes: list[int]) -> Iterator[bytes]:
    for block in blocks:
        if hasher is not None:
            hasher.update(block)
        sizes[0] += len(block)
        yield block


def unpack_section(
    blobs: BlobStore, source: BinaryIO, suite: str, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
) -> OpenedSection:
    """Check a section's archive (docs/bid-format.md §4) and store each file in the blob store, in one pass."""
    try:
        archive = _BlockArchive(source)
    except (zipfile.BadZipFile, OSError) as exc:
        message = f"the section is not a ZIP archive: {exc}"
        raise DecryptionFailed(message, field="archive", code="archive_refused") from exc
    try:
        with archive:
            entries = _check_entries(archive, limits)
            manifest_bytes = b"".join(_read_limited(archive, entries[MANIFEST_NAME], limits.max_manifest_bytes))
            try:
                manifest = SectionManifest.decode(manifest_bytes)
            except ValidationFailed as exc:
                raise DecryptionFailed(exc.message, field="manifest", code="manifest_invalid") from exc
            listed = {FILES_PREFIX + entry.path: entry for entry in manifest.files}
            extra = sorted(set(entries) - set(listed) - {MANIFEST_NAME})
            missing = sorted(set(listed) - set(entries))
            if extra or missing:
                raise ArchiveRefused(f"archive and manifest disagree: not listed {extra}, missing {missing}")
            files = []
            for name, entry in listed.items():
                # the blob key is the file's SHA-256: a sha256 manifest (std) needs no second hash
                hasher = None if manifest.hash_algorithm == BLOB_HASH else get_suite(suite).hasher()
                sizes = [0]
                ref = blobs.put_stream(
                    _counted(_read_limited(archive, entries[name], limits.max_total_bytes), hasher, sizes)
                )
                digest = ref.key if hasher is None else hasher.digest().hex()
                if sizes[0] != entry.size or digest != entry.hash:
                    raise ArchiveRefused(f"file {entry.path!r} does not match its size and hash in the manifest")
                files.append(FileRow(manifest.section, entry.path, ref.key, ref.size, ref.key))
    except (DecryptionFailed, EnvelopeError):
        raise
    except (ArchiveRefused, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DecryptionFailed(str(getattr(exc, "message", exc)), field="archive", code="archive_refused") from exc
    except DomainError as exc:  # an unsafe file name
        raise DecryptionFailed(exc.message, field="archive", code="archive_refused") from exc
    return OpenedSection(manifest, files)
