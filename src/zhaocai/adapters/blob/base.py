"""What every blob store derives from put_stream and open."""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import BinaryIO

from zhaocai.adapters.blob.port import DEFAULT_CHUNK_SIZE, BlobRef, BlobSource, check_key
from zhaocai.adapters.blob.streaming import hash_chunks


class BlobStoreBase(ABC):
    @abstractmethod
    def put_stream(self, source: BlobSource, *, max_bytes: int | None = None) -> BlobRef: ...

    @abstractmethod
    def open(self, key: str) -> BinaryIO: ...

    def put_bytes(self, data: bytes, *, max_bytes: int | None = None) -> BlobRef:
        return self.put_stream(io.BytesIO(data), max_bytes=max_bytes)

    def iter_chunks(self, key: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        with self.open(key) as reader:
            while chunk := reader.read(chunk_size):
                yield chunk

    def verify(self, key: str) -> bool:
        return hash_chunks(self.iter_chunks(check_key(key))).key == key
