"""Blobs in a local directory: `<root>/ab/abcd…`, written durably (DESIGN principle 5, security.md §5).

Write protocol: stream into a temp file under `<root>/tmp` (same filesystem, so the rename is atomic), fsync it,
rename it to its content-addressed name, fsync the directory. A crash leaves at most a temp file, which
`remove_stale_uploads` deletes; a name under `ab/` is always a complete blob.

One level of 256 fan-out directories, all made (and made durable) when the store opens: a write then costs two
fsyncs, the file's and its directory's — a second level would mostly mean creating a new directory per blob, and
fsyncing its parent too (measured: the largest cost per bid in the deadline-rush benchmark after the commit). At a
million blobs a directory holds about 4,000 names, which ext4 and XFS index.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from zhaocai.adapters.blob.base import BlobStoreBase
from zhaocai.adapters.blob.port import BlobNotFound, BlobRef, BlobSource, check_key, is_key
from zhaocai.adapters.blob.streaming import ContentDigest, iter_source

_FANOUT_DIR = frozenset("0123456789abcdef")
BLOB_MODE = 0o440  # immutable: nobody writes a stored blob in place
# Each chunk is hashed and written in slices of this size: the slice is still in the CPU cache when write() copies
# it, and write() itself is ~3x faster per byte with 64-256 KiB than with 1 MiB (measured on ext4: bench/opening.py).
WRITE_SLICE = 128 * 1024


class LocalBlobStore(BlobStoreBase):
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.temp_dir = self.root / "tmp"
        _make_dirs(self.temp_dir)
        _make_fanout(self.root)

    def path_for(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put_stream(self, source: BlobSource, *, max_bytes: int | None = None) -> BlobRef:
        digest = ContentDigest(max_bytes)
        fd, temp_name = tempfile.mkstemp(dir=self.temp_dir, prefix="put-", suffix=".part")
        temp_path = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in iter_source(source):
                    view = memoryview(chunk)
                    for start in range(0, len(view), WRITE_SLICE):
                        piece = view[start : start + WRITE_SLICE]
                        digest.update(piece)
                        out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            ref = digest.ref()
            final = self.path_for(ref.key)
            if _is_file_of_size(final, ref.size):
                temp_path.unlink()
                return ref
            # A same-named file of the wrong size is a truncated leftover of an earlier failure: replace it.
            os.chmod(temp_path, BLOB_MODE)
            os.replace(temp_path, final)
            _fsync_dir(final.parent)
            return ref
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path_for(key).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(f"blob {key} not found", field="key") from None

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path_for(key).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(f"blob {key} not found", field="key") from None

    def delete(self, key: str) -> bool:
        path = self.path_for(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

    def iter_keys(self) -> Iterator[str]:
        for fanout in _fanout_dirs(self.root):
            for entry in sorted(os.scandir(fanout), key=lambda e: e.name):
                name = entry.name
                if entry.is_file() and is_key(name) and name.startswith(fanout.name):
                    yield name

    def remove_stale_uploads(self, *, older_than: timedelta = timedelta(hours=1)) -> int:
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        for entry in os.scandir(self.temp_dir):
            if entry.is_file() and entry.stat().st_mtime <= cutoff:
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
        return removed

    def temp_files(self) -> list[Path]:
        """Files in the temp directory (for checkers and tests: none should outlive a write)."""
        return sorted(self.temp_dir.iterdir())


def _is_file_of_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except FileNotFoundError:
        return False


def _fanout_dirs(parent: Path) -> list[Path]:
    return sorted(
        Path(entry.path)
        for entry in os.scandir(parent)
        if entry.is_dir() and len(entry.name) == 2 and set(entry.name) <= _FANOUT_DIR
    )


def _make_fanout(root: Path) -> None:
    missing = [root / f"{n:02x}" for n in range(256) if not (root / f"{n:02x}").is_dir()]
    for directory in missing:
        with contextlib.suppress(FileExistsError):  # a concurrent opener made it first
            directory.mkdir()
    if missing:
        _fsync_dir(root)


def _make_dirs(path: Path) -> None:
    """mkdir -p, then fsync the parent of every directory created so the new entries survive a crash."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # a concurrent writer made it first
            directory.mkdir()
        _fsync_dir(directory.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
