"""The blob store port: content-addressed, immutable files (bid envelopes, tender documents, attachments).

A blob's key is the lowercase hex SHA-256 of its bytes. SHA-256 rather than the tender's crypto suite hash on
purpose: the store is one namespace shared by tenders of both suites, a key must mean the same thing for the
life of the archive, and `sha256sum` lets an operator check any blob with stock tools. Signed documents carry
their own suite's hashes on top of this.

Writers stream (`put_stream` never holds a whole blob in memory) and a blob becomes visible under its key only
once it is complete and durable, so a key that exists always names exactly the bytes it hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO, Protocol

from zhaocai.core.errors import NotFound, ValidationFailed

HASH_NAME = "sha256"
KEY_LENGTH = 64
DEFAULT_CHUNK_SIZE = 1024 * 1024
_KEY = re.compile(r"[0-9a-f]{64}")

BlobSource = Iterable[bytes] | BinaryIO


@dataclass(frozen=True)
class BlobRef:
    key: str
    size: int


class InvalidBlobKey(ValidationFailed):
    code = "invalid_blob_key"


class BlobNotFound(NotFound):
    code = "blob_not_found"


def is_key(name: object) -> bool:
    return isinstance(name, str) and _KEY.fullmatch(name) is not None


def check_key(key: str) -> str:
    """Return `key` if it is 64 lowercase hex characters, else refuse it (keys become file and object names)."""
    if not is_key(key):
        raise InvalidBlobKey(f"blob key must be {KEY_LENGTH} lowercase hex characters (SHA-256)", field="key")
    return key


class BlobStore(Protocol):
    def put_stream(self, source: BlobSource, *, max_bytes: int | None = None) -> BlobRef:
        """Store the bytes of `source` (an iterable of chunks or a binary file) and return their key and size.

        Raises TooLarge as soon as more than `max_bytes` have been read, leaving nothing behind.
        Storing content that is already there is a no-op that returns the same ref.
        """

    def put_bytes(self, data: bytes, *, max_bytes: int | None = None) -> BlobRef: ...

    def open(self, key: str) -> BinaryIO:
        """A binary reader over the blob; the caller closes it. Raises BlobNotFound."""

    def iter_chunks(self, key: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int:
        """Size in bytes. Raises BlobNotFound."""

    def delete(self, key: str) -> bool:
        """Remove an orphan (a blob no row refers to); True if it was there. Never for live data."""

    def verify(self, key: str) -> bool:
        """Re-read and re-hash the blob: False if its bytes no longer match its key (bit rot, tampering)."""

    def iter_keys(self) -> Iterator[str]: ...

    def remove_stale_uploads(self, *, older_than: timedelta = timedelta(hours=1)) -> int:
        """Clean up what interrupted writers (a killed process) left behind; returns how many were removed."""
