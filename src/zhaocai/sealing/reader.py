"""Reading envelopes without any key: `read_header` for a file, `EnvelopeReader` for an upload fed block by block.

The reader checks everything that can be checked without a key — magic, version, lengths and limits, the header's
shape, and each section's ciphertext length and hash as the bytes stream past — and reports where each part lies.
It never buffers more than the header: section bytes go straight through the hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from zhaocai.crypto.ports import Hasher
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing.chunks import read_exactly
from zhaocai.sealing.errors import EnvelopeError
from zhaocai.sealing.header import EnvelopeHeader
from zhaocai.sealing.layout import (
    DEFAULT_LIMITS,
    MAGIC,
    PREAMBLE_SIZE,
    SIGNATURE_LENGTH_SIZE,
    Limits,
    check_magic,
    unpack_preamble,
    unpack_signature_length,
)
from zhaocai.sealing.parse import parse_header

READ_BLOCK = 1024 * 1024


def _truncated(where: str) -> EnvelopeError:
    return EnvelopeError("truncated", f"the envelope ends inside its {where}", field="envelope")


def read_header(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> EnvelopeHeader:
    """Read preamble, header and signature from `stream`, leaving it at the first section's first byte. The header
    is parsed and checked, the signature only read (verify it with `verify_header_signature`)."""
    preamble = read_exactly(stream, PREAMBLE_SIZE)
    check_magic(preamble)
    if len(preamble) < len(MAGIC):
        raise EnvelopeError("not_an_envelope", f"{len(preamble)} bytes are not a sealed-bid envelope", field="envelope")
    if len(preamble) < PREAMBLE_SIZE:
        raise _truncated("preamble")
    version, header_length = unpack_preamble(preamble, limits)
    encoded = read_exactly(stream, header_length)
    if len(encoded) < header_length:
        raise _truncated("header")
    signature_length_bytes = read_exactly(stream, SIGNATURE_LENGTH_SIZE)
    if len(signature_length_bytes) < SIGNATURE_LENGTH_SIZE:
        raise _truncated("signature length")
    signature_length = unpack_signature_length(signature_length_bytes)
    signature = read_exactly(stream, signature_length)
    if len(signature) < signature_length:
        raise _truncated("signature")
    return parse_header(encoded, signature, limits, version=version)


@dataclass(frozen=True)
class ByteRange:
    offset: int  # from the envelope's first byte
    length: int


@dataclass(frozen=True)
class SectionRange:
    name: str
    offset: int
    length: int
    ciphertext_hash: bytes


@dataclass(frozen=True)
class EnvelopeReport:
    """What a keyless reading found: a well-formed envelope whose sections match their signed hashes."""

    header: EnvelopeHeader
    header_range: ByteRange
    signature_range: ByteRange
    sections: tuple[SectionRange, ...]
    length: int


class EnvelopeReader:
    """A push parser: `feed()` each block of an upload as it arrives, then `finish()`. Any error is raised from the
    `feed` call that revealed it — a non-envelope on its first bytes, an absurd header before its body is stored.
    `header` is available as soon as the header and signature have passed (check the signer there, and stop the
    upload early if it is not the uploader)."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self._limits = limits
        self._buffer = bytearray()
        self._position = 0  # bytes consumed
        self._version = 0
        self._header_length: int | None = None
        self._signature_length: int | None = None
        self._encoded: bytes | None = None
        self.header: EnvelopeHeader | None = None
        self._section_index = 0
        self._section_remaining = 0
        self._section_hasher: Hasher | None = None
        self._sections: list[SectionRange] = []
        self._failed: EnvelopeError | None = None

    @property
    def bytes_read(self) -> int:
        return self._position + len(self._buffer)

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        if self._failed is not None:
            raise self._failed
        try:
            self._feed(memoryview(data).cast("B"))
        except EnvelopeError as exc:
            self._failed = exc
            raise

    def finish(self) -> EnvelopeReport:
        """The report, or `truncated` when the stream stopped early."""
        if self._failed is not None:
            raise self._failed
        if self.header is None:
            if self._header_length is None and len(self._buffer) < len(MAGIC):
                raise EnvelopeError(
                    "not_an_envelope", f"{len(self._buffer)} bytes are not a sealed-bid envelope", field="envelope"
                )
            where = "preamble" if self._header_length is None else "header" if self._encoded is None else "signature"
            raise _truncated(where)
        if self._section_index < len(self.header.sections):
            name = self.header.sections[self._section_index].name
            raise EnvelopeError(
                "truncated",
                f"the envelope ends inside section {name!r} ({self._section_remaining} bytes short)",
                field=f"sections.{name}",
            )
        header = self.header
        header_offset = PREAMBLE_SIZE
        signature_offset = header_offset + len(header.encoded) + SIGNATURE_LENGTH_SIZE
        return EnvelopeReport(
            header=header,
            header_range=ByteRange(header_offset, len(header.encoded)),
            signature_range=ByteRange(signature_offset, len(header.signature)),
            sections=tuple(self._sections),
            length=self._position,
        )

    # internals

    def _take(self, data: memoryview, size: int) -> tuple[bytes | None, memoryview]:
        """Buffer up to `size` bytes in all; the bytes once complete, else None."""
        wanted = size - len(self._buffer)
        self._buffer += data[:wanted]
        rest = data[wanted:]
        if len(self._buffer) < size:
            return None, rest
        taken = bytes(self._buffer)
        self._buffer.clear()
        self._position += size
        return taken, rest

    def _feed(self, data: memoryview) -> None:
        if self._header_length is None:
            check_magic(bytes(self._buffer) + bytes(data[: PREAMBLE_SIZE - len(self._buffer)]))
            preamble, data = self._take(data, PREAMBLE_SIZE)
            if preamble is None:
                return
            self._version, self._header_length = unpack_preamble(preamble, self._limits)
        if self._encoded is None:
            encoded, data = self._take(data, self._header_length)
            if encoded is None:
                return
            self._encoded = encoded
        if self._signature_length is None:
            length_bytes, data = self._take(data, SIGNATURE_LENGTH_SIZE)
            if length_bytes is None:
                return
            self._signature_length = unpack_signature_length(length_bytes)
        if self.header is None:
            signature, data = self._take(data, self._signature_length)
            if signature is None:
                return
            self.header = parse_header(self._encoded, signature, self._limits, version=self._version)
            self._start_section()
        self._feed_sections(data)

    def _start_section(self) -> None:
        assert self.header is not None
        if self._section_index < len(self.header.sections):
            self._section_remaining = self.header.sections[self._section_index].ciphertext_length
            self._section_hasher = get_suite(self.header.suite).hasher()

    def _feed_sections(self, data: memoryview) -> None:
        assert self.header is not None
        while len(data):
            if self._section_index >= len(self.header.sections):
                raise EnvelopeError(
                    "trailing_data",
                    f"the envelope goes on past its last section (at byte {self._position})",
                    field="envelope",
                )
            assert self._section_hasher is not None
            step = min(len(data), self._section_remaining)
            self._section_hasher.update(bytes(data[:step]))
            self._section_remaining -= step
            self._position += step
            data = data[step:]
            if self._section_remaining == 0:  # sections are never empty: even no plaintext leaves a tag
                self._close_section()

    def _close_section(self) -> None:
        assert self.header is not None and self._section_hasher is not None
        section = self.header.sections[self._section_index]
        if self._section_hasher.digest() != section.ciphertext_hash:
            raise EnvelopeError(
                "ciphertext_hash_mismatch",
                f"the ciphertext of section {section.name!r} is not the one its signed header names "
                "(altered, or taken from another envelope)",
                field=f"sections.{section.name}",
            )
        offset = self._position - section.ciphertext_length
        self._sections.append(SectionRange(section.name, offset, section.ciphertext_length, section.ciphertext_hash))
        self._section_index += 1
        self._start_section()


def scan_envelope(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> EnvelopeReport:
    """Read a whole envelope through an EnvelopeReader."""
    reader = EnvelopeReader(limits)
    while block := stream.read(READ_BLOCK):
        reader.feed(block)
    return reader.finish()
