"""A sealed section's plaintext: a ZIP archive holding `manifest.json` and the bid's files under `files/`
(docs/bid-format.md §3). Written deterministically (fixed order, times and modes: the same bid packs to the same
bytes); read defensively (security.md §4 item 9: size, count and ratio limits, no links, no unsafe names, every file
checked against the manifest's hash).
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from zhaocai.bidding.filenames import check_file_name, check_unique
from zhaocai.bidding.manifest import FILES_PREFIX, MANIFEST_NAME, SectionManifest
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto.ports import Hasher

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
COPY_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 2001  # the manifest and up to 2000 files
    max_total_bytes: int = 4 * 1024**3
    max_manifest_bytes: int = 16 * 1024**2
    max_ratio: int = 200  # uncompressed / compressed, per entry (zip bombs) ...
    ratio_applies_above: int = 1024**2  # ... of more than this many bytes


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()


class ArchiveRefused(ValidationFailed):
    code = "archive_refused"


def _info(name: str, size_hint: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
    info.create_system = 3  # unix, so the mode above is read as such
    info.file_size = size_hint
    return info


def write_archive(out: BinaryIO, manifest: SectionManifest, files: dict[str, Path]) -> None:
    """`manifest.json`, then each file of `manifest.files` (read from `files[path]`) under `files/`, in the
    manifest's order. The files' bytes are streamed, not loaded."""
    listed = [entry.path for entry in manifest.files]
    if sorted(listed) != sorted(files):
        raise ArchiveRefused("the files given are not the files the manifest lists", field="files")
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
        archive.writestr(_info(MANIFEST_NAME), manifest.encode())
        for path in listed:
            with (
                files[path].open("rb") as source,
                archive.open(_info(FILES_PREFIX + path), "w", force_zip64=True) as sink,
            ):
                while block := source.read(COPY_BLOCK):
                    sink.write(block)


@dataclass(frozen=True)
class ArchiveMember:
    path: str  # as listed in the manifest (without files/)
    size: int


def _check_entries(archive: zipfile.ZipFile, limits: ArchiveLimits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveRefused(f"the archive holds {len(infos)} entries; at most {limits.max_entries} are accepted")
    total = 0
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        mode = info.external_attr >> 16
        if info.is_dir() or stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # a type of 0: a tool that writes none
            raise ArchiveRefused(f"archive entry {info.filename!r} is not a regular file (directory, link, device)")
        if info.flag_bits & 0x1:
            raise ArchiveRefused(f"archive entry {info.filename!r} is encrypted inside the archive")
        name = info.filename
        if name != MANIFEST_NAME:
            if not name.startswith(FILES_PREFIX):
                raise ArchiveRefused(f"archive entry {name!r} is outside {FILES_PREFIX}")
            check_file_name(name[len(FILES_PREFIX) :])
        if name in entries:
            raise ArchiveRefused(f"archive entry {name!r} appears twice")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(f"the archive unpacks to more than {limits.max_total_bytes} bytes")
        large = info.file_size > limits.ratio_applies_above
        if large and info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
            raise ArchiveRefused(f"archive entry {name!r} expands {info.file_size // info.compress_size}-fold")
        entries[name] = info
    check_unique([name for name in entries if name != MANIFEST_NAME])
    if MANIFEST_NAME not in entries:
        raise ArchiveRefused(f"the archive has no {MANIFEST_NAME}")
    return entries


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The entry's bytes in blocks, refusing as soon as it yields more than its declared size (or `limit`)."""
    read = 0
    with archive.open(info) as member:
        while block := member.read(COPY_BLOCK):
            read += len(block)
            if read > min(info.file_size, limit):
                raise ArchiveRefused(f"archive entry {info.filename!r} is larger than it declares")
            yield block


def read_archive(
    source: BinaryIO | Path, hasher_factory: Callable[[], Hasher], limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
) -> tuple[SectionManifest, list[ArchiveMember]]:
    """Check an archive against its manifest: every listed file present with its size and hash, nothing else.
    `hasher_factory()` makes a hasher of the manifest's algorithm (e.g. `get_suite(suite).hasher`)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRefused(f"the section is not a ZIP archive: {exc}") from exc
    with archive:
        entries = _check_entries(archive, limits)
        manifest_bytes = b"".join(_read_limited(archive, entries[MANIFEST_NAME], limits.max_manifest_bytes))
        manifest = SectionManifest.decode(manifest_bytes)
        listed = {FILES_PREFIX + entry.path: entry for entry in manifest.files}
        extra = sorted(set(entries) - set(listed) - {MANIFEST_NAME})
        missing = sorted(set(listed) - set(entries))
        if extra or missing:
            raise ArchiveRefused(f"archive and manifest disagree: not listed {extra}, missing {missing}")
        members = []
        for name, entry in listed.items():
            hasher = hasher_factory()
            size = 0
            for block in _read_limited(archive, entries[name], limits.max_total_bytes):
                hasher.update(block)
                size += len(block)
            if size != entry.size or hasher.digest().hex() != entry.hash:
                raise ArchiveRefused(f"file {entry.path!r} does not match its size and hash in the manifest")
            members.append(ArchiveMember(entry.path, size))
    return manifest, members
