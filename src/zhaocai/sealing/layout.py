"""The envelope's fixed byte layout and limits (docs/envelope.md §2-§3).

magic (8) | version (u16 BE) | header length (u32 BE) | header | signature length (u16 BE) | signature |
section 1 ciphertext | section 2 ciphertext | ...
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from zhaocai.sealing.errors import EnvelopeError

MAGIC = b"\x89ZCENV\r\n"
FORMAT_NAME = "zhaocai-envelope"
VERSION = 1
SUPPORTED_VERSIONS = (VERSION,)

_PREAMBLE = struct.Struct(">8sHI")
_SIGNATURE_LENGTH = struct.Struct(">H")
PREAMBLE_SIZE = _PREAMBLE.size  # 14
SIGNATURE_LENGTH_SIZE = _SIGNATURE_LENGTH.size  # 2

TAG_SIZE = 16  # SM4-GCM and AES-256-GCM tags
NONCE_SIZE = 12
COUNTER_SIZE = NONCE_SIZE - 1  # big-endian chunk counter; the last byte is the last-chunk flag

# limits of format version 1: writers never exceed them, readers refuse anything beyond (readers may set lower ones)
MAX_HEADER_BYTES = 64 * 1024
MIN_SIGNATURE_BYTES = 8
MAX_SIGNATURE_BYTES = 256
MAX_SECTIONS = 16
MIN_CHUNK_SIZE = 64
MAX_CHUNK_SIZE = 16 * 1024 * 1024
MAX_CHUNKS_PER_SECTION = 2**32 - 1
DEFAULT_CHUNK_SIZE = 64 * 1024  # bench/seal.py: as fast as 1 MiB for both suites, and 16x less memory per stream
MIN_NONCE_BYTES = 16
MAX_NONCE_BYTES = 64

# domain separation: every hash and signature input starts with one of these (ASCII, NUL-terminated)
CONTEXT_LABEL = b"zhaocai-envelope/v1 section-context\x00"
CHUNK_AD_LABEL = b"zhaocai-envelope/v1 chunk\x00"
COMMITMENT_LABEL = b"zhaocai-envelope/v1 key-commitment\x00"
SIGNATURE_LABEL = b"zhaocai-envelope/v1 header-signature\x00"


@dataclass(frozen=True)
class Limits:
    """What a reader accepts. The defaults are the format's own limits; a server lowers them to its upload policy
    (e.g. `max_envelope_bytes` from the tender's size limit) so an absurd envelope is refused from its header,
    before its body is stored."""

    max_header_bytes: int = MAX_HEADER_BYTES
    max_sections: int = MAX_SECTIONS
    max_chunks_per_section: int = 2**24
    max_envelope_bytes: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.max_header_bytes <= MAX_HEADER_BYTES:
            raise ValueError(f"max_header_bytes must be 1..{MAX_HEADER_BYTES}")
        if not 1 <= self.max_sections <= MAX_SECTIONS:
            raise ValueError(f"max_sections must be 1..{MAX_SECTIONS}")
        if not 1 <= self.max_chunks_per_section <= MAX_CHUNKS_PER_SECTION:
            raise ValueError(f"max_chunks_per_section must be 1..{MAX_CHUNKS_PER_SECTION}")
        if self.max_envelope_bytes is not None and self.max_envelope_bytes < PREAMBLE_SIZE:
            raise ValueError("max_envelope_bytes is smaller than an envelope can be")


DEFAULT_LIMITS = Limits()


def pack_preamble(header_length: int) -> bytes:
    return _PREAMBLE.pack(MAGIC, VERSION, header_length)


def pack_signature_length(signature: bytes) -> bytes:
    return _SIGNATURE_LENGTH.pack(len(signature))


def check_magic(prefix: bytes) -> None:
    """Refuse as soon as the first bytes differ from the magic (works on any prefix, even 1 byte)."""
    if not MAGIC.startswith(bytes(prefix[: len(MAGIC)])):
        raise EnvelopeError(
            "not_an_envelope",
            "this file is not a zhaocai sealed-bid envelope (it does not start with the envelope magic); "
            "seal the bid with a bidder tool that writes docs/envelope.md format",
            field="envelope",
        )


def unpack_preamble(preamble: bytes, limits: Limits) -> tuple[int, int]:
    """Check magic, version and header length; return the version and the header length."""
    check_magic(preamble)
    _, version, header_length = _PREAMBLE.unpack(preamble)
    if version not in SUPPORTED_VERSIONS:
        raise EnvelopeError(
            "unsupported_version",
            f"envelope format version {version} is not supported (this reader knows "
            f"{', '.join(map(str, SUPPORTED_VERSIONS))})",
            field="envelope.version",
            detail={"version": version},
        )
    if not 2 <= header_length <= limits.max_header_bytes:
        raise EnvelopeError(
            "header_too_large" if header_length > limits.max_header_bytes else "malformed_header",
            f"envelope header length {header_length} is outside 2..{limits.max_header_bytes} bytes",
            field="envelope.header_length",
            detail={"header_length": header_length, "limit": limits.max_header_bytes},
        )
    return int(version), int(header_length)


def unpack_signature_length(data: bytes) -> int:
    (length,) = _SIGNATURE_LENGTH.unpack(data)
    if not MIN_SIGNATURE_BYTES <= length <= MAX_SIGNATURE_BYTES:
        raise EnvelopeError(
            "malformed_signature",
            f"envelope signature length {length} is outside {MIN_SIGNATURE_BYTES}..{MAX_SIGNATURE_BYTES} bytes",
            field="envelope.signature_length",
        )
    return int(length)


def ciphertext_length_fits(chunk_size: int, chunk_count: int, ciphertext_length: int) -> bool:
    """Whether `ciphertext_length` is possible for `chunk_count` chunks of `chunk_size`: every chunk but the last
    is full; the last holds 1..chunk_size bytes, or 0 when it is the only one (an empty section)."""
    full = chunk_size + TAG_SIZE
    if chunk_count < 1:
        return False
    before_last = (chunk_count - 1) * full
    last = ciphertext_length - before_last
    smallest = TAG_SIZE if chunk_count == 1 else TAG_SIZE + 1
    return smallest <= last <= full


def chunk_count_for(plaintext_length: int, chunk_size: int) -> int:
    return max(1, -(-plaintext_length // chunk_size))
