"""A sealed section read as a seekable plaintext file, decrypting chunk by chunk on demand, so that the section's ZIP
archive is read straight from the stored envelope: no temporary plaintext copy, one chunk in memory.

Random access is what the envelope's STREAM layout allows (docs/envelope.md §5.3: chunk `i` has its own counter
nonce and last-chunk flag), and it keeps every guarantee of a sequential read (§8 step 4): each chunk's tag is
checked before any of its bytes are released, `check_every_chunk` authenticates the chunks the archive reader never
asked for, and `ciphertext_hash_matches` compares the hash of all chunks with the signed ciphertext hash. The
ciphertext is hashed as it is read, in the same pass as the decryption (one read of the section, not two): a chunk
read before its turn — the archive's end, which a ZIP reader reads first — is kept until the chunks before it have
been hashed (a few at most; one read out of order beyond that is read again at the end).
"""

from __future__ import annotations

import io
from typing import BinaryIO

from zhaocai.crypto.suites import get_suite
from zhaocai.sealing import EnvelopeError, EnvelopeHeader, SectionEntry
from zhaocai.sealing.aead import InvalidTag, chunk_cipher
from zhaocai.sealing.derive import chunk_associated_data, chunk_nonce
from zhaocai.sealing.layout import TAG_SIZE
from zhaocai.sealing.opening import check_key_commitment, section_context

HASH_BLOCK = 1024 * 1024
MAX_AHEAD = 4  # sealed chunks kept for hashing in order (a ZIP reader reads the end first: one or two chunks)


def ciphertext_hash_matches(stream: BinaryIO, header: EnvelopeHeader, entry: SectionEntry) -> bool:
    hasher = get_suite(header.suite).hasher()
    stream.seek(header.section_offset(entry.name))
    left = entry.ciphertext_length
    while left:
        block = stream.read(min(HASH_BLOCK, left))
        if not block:
            return False
        hasher.update(block)
        left -= len(block)
    return hasher.digest() == entry.ciphertext_hash


class DecryptedSection(io.RawIOBase):
    def __init__(self, stream: BinaryIO, header: EnvelopeHeader, entry: SectionEntry, key: bytes) -> None:
        check_key_commitment(header, entry, key)
        self._stream = stream
        self._entry = entry
        self._base = header.section_offset(entry.name)
        self._chunk_size = header.chunk_size
        self._cipher = chunk_cipher(entry.aead, key)
        self._ad = chunk_associated_data(section_context(header, entry))
        self._length = entry.ciphertext_length - TAG_SIZE * entry.chunk_count
        self._position = 0
        self._cached: tuple[int, bytes] | None = None
        self._checked: set[int] = set()
        self._hasher = get_suite(header.suite).hasher()
        self._expected_hash = entry.ciphertext_hash
        self._hashed = 0  # chunks 0 .. _hashed-1 are in the hash
        self._ahead: dict[int, bytes] = {}  # sealed chunks read before their turn in the hash

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        if base + offset < 0:
            raise OSError("seek before the start of the section")
        self._position = base + offset
        return self._position

    def _sealed_size(self, index: int) -> int:
        full = self._chunk_size + TAG_SIZE
        return self._entry.ciphertext_length - index * full if index == self._entry.chunk_count - 1 else full

    def _sealed(self, index: int) -> bytes:
        """Chunk `index` as stored (ciphertext and tag), hashed in order as it passes."""
        self._stream.seek(self._base + index * (self._chunk_size + TAG_SIZE))
        sealed = self._stream.read(self._sealed_size(index))
        if index == self._hashed:
            self._hasher.update(sealed)
            self._hashed += 1
            while (following := self._ahead.pop(self._hashed, None)) is not None:
                self._hasher.update(following)
                self._hashed += 1
        elif index > self._hashed and len(self._ahead) < MAX_AHEAD:
            self._ahead[index] = sealed
        return sealed

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        sealed = self._sealed(index)
        last = index == self._entry.chunk_count - 1
        try:
            if len(sealed) != self._sealed_size(index):
                raise InvalidTag()
            plain = self._cipher.decrypt(chunk_nonce(index, last), sealed, self._ad)
        except InvalidTag as exc:
            raise EnvelopeError(
                "chunk_authentication_failed",
                f"chunk {index + 1} of {self._entry.chunk_count} in section {self._entry.name!r} does not authenticate",
                field=f"sections.{self._entry.name}",
                detail={"chunk": index},
            ) from exc
        self._checked.add(index)
        self._cached = (index, plain)
        return plain

    def read(self, size: int | None = -1) -> bytes:
        """Up to `size` bytes (all that is left for None or a negative size), joined from whole chunks: one copy."""
        wanted = self._length - self._position if size is None or size < 0 else size
        pieces = []
        while wanted > 0 and self._position < self._length:
            index, start = divmod(self._position, self._chunk_size)
            chunk = self._chunk(index)
            piece = chunk if start == 0 and wanted >= len(chunk) else chunk[start : start + wanted]
            pieces.append(piece)
            wanted -= len(piece)
            self._position += len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        written = 0
        while written < len(view) and self._position < self._length:
            index, start = divmod(self._position, self._chunk_size)
            piece = memoryview(self._chunk(index))[start : start + len(view) - written]
            view[written : written + len(piece)] = piece
            written += len(piece)
            self._position += len(piece)
        return written

    def check_every_chunk(self) -> None:
        """Authenticate the chunks no read has touched (an archive reader skips nothing in a well-formed archive,
        but a crafted one could leave bytes unread)."""
        for index in range(self._entry.chunk_count):
            if index not in self._checked:
                self._chunk(index)

    def ciphertext_hash_matches(self) -> bool:
        """The hash of all the section's chunks (those not yet hashed are read now) against the signed one."""
        while self._hashed < self._entry.chunk_count:
            self._sealed(self._hashed)
        return self._hasher.digest() == self._expected_hash
