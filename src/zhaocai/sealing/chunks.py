"""The chunked AEAD stream (the STREAM construction): one chunk in memory at a time, in both directions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Protocol

from zhaocai.crypto.ports import Hasher
from zhaocai.sealing.aead import ChunkCipher, InvalidTag
from zhaocai.sealing.derive import MAX_COUNTER, chunk_nonce
from zhaocai.sealing.errors import EnvelopeError
from zhaocai.sealing.layout import TAG_SIZE


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def read_exactly(source: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes: fewer only at the end of the stream (pipes and sockets may return short reads)."""
    parts: list[bytes] = []
    missing = size
    while missing:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


@dataclass(frozen=True)
class EncryptedStream:
    chunk_count: int
    ciphertext_length: int
    plaintext_length: int


def encrypt_stream(
    cipher: ChunkCipher,
    associated_data: bytes,
    chunk_size: int,
    source: BinaryIO,
    sink: Writable,
    ciphertext_hash: Hasher,
    plaintext_hash: Hasher | None = None,
) -> EncryptedStream:
    """Encrypt `source` to `sink` chunk by chunk; the chunk after which the source ends carries the last flag.
    An empty source gives one empty chunk (a tag alone)."""
    counter = ciphertext_length = plaintext_length = 0
    current = read_exactly(source, chunk_size)
    while True:
        following = read_exactly(source, chunk_size) if len(current) == chunk_size else b""
        last = not following
        if counter > MAX_COUNTER:
            raise ValueError("section too long for the chunk counter")
        sealed = cipher.encrypt(chunk_nonce(counter, last), current, associated_data)
        sink.write(sealed)
        ciphertext_hash.update(sealed)
        if plaintext_hash is not None:
            plaintext_hash.update(current)
        counter += 1
        ciphertext_length += len(sealed)
        plaintext_length += len(current)
        if last:
            return EncryptedStream(counter, ciphertext_length, plaintext_length)
        current = following


def decrypt_stream(
    cipher: ChunkCipher,
    associated_data: bytes,
    chunk_size: int,
    chunk_count: int,
    ciphertext_length: int,
    source: BinaryIO,
    out: Writable,
    ciphertext_hash: Hasher,
    section_name: str,
) -> int:
    """Decrypt `chunk_count` chunks (`ciphertext_length` bytes in all) from `source`, writing each chunk's plaintext
    to `out` only after its tag verified. Returns the plaintext length. Reads nothing past the section."""
    remaining = ciphertext_length
    plaintext_length = 0
    for counter in range(chunk_count):
        last = counter == chunk_count - 1
        size = remaining if last else chunk_size + TAG_SIZE
        sealed = read_exactly(source, size)
        if len(sealed) < size:
            raise EnvelopeError(
                "truncated",
                f"section {section_name!r} ends in chunk {counter + 1} of {chunk_count}: the ciphertext is cut short",
                field=f"sections.{section_name}",
            )
        ciphertext_hash.update(sealed)
        try:
            plaintext = cipher.decrypt(chunk_nonce(counter, last), sealed, associated_data)
        except InvalidTag as exc:
            raise EnvelopeError(
                "chunk_authentication_failed",
                f"chunk {counter + 1} of {chunk_count} in section {section_name!r} does not authenticate: it was "
                "altered, moved or reordered, the stream was cut, or the key is not this section's",
                field=f"sections.{section_name}",
                detail={"chunk": counter},
            ) from exc
        out.write(plaintext)
        remaining -= size
        plaintext_length += len(plaintext)
    return plaintext_length
