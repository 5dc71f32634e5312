"""Reading a blob source in chunks while hashing, counting and enforcing the size limit."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO, cast

from zhaocai.adapters.blob.port import DEFAULT_CHUNK_SIZE, BlobRef, BlobSource
from zhaocai.core.errors import TooLarge


def iter_source(source: BlobSource, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
    """Chunks of `source`. A file is read with read(), never iterated (that would split it at newlines)."""
    read = getattr(source, "read", None)
    if read is not None:
        reader = cast(BinaryIO, source)
        while chunk := reader.read(chunk_size):
            yield bytes(chunk)
        return
    for chunk in cast("Iterator[bytes]", source):
        if chunk:
            yield bytes(chunk)


class ContentDigest:
    """Running SHA-256 and byte count of what has been written; raises TooLarge once over `max_bytes`."""

    def __init__(self, max_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise TooLarge(
                f"file exceeds the size limit of {self.max_bytes} bytes",
                field="file",
                detail={"max_bytes": self.max_bytes},
            )
        self._hash.update(chunk)

    def ref(self) -> BlobRef:
        return BlobRef(key=self._hash.hexdigest(), size=self.size)


def hash_chunks(chunks: Iterator[bytes]) -> BlobRef:
    digest = ContentDigest()
    for chunk in chunks:
        digest.update(chunk)
    return digest.ref()
