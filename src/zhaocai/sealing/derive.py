"""Values derived from the header context (docs/envelope.md §5): the section context digest, each chunk's nonce and
associated data, and the key commitment. All hashes are the suite's (SM3 for gm, SHA-256 for std)."""

from __future__ import annotations

import hmac

from zhaocai.core.canonical import canonical_json
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing.header import HeaderContext, context_json
from zhaocai.sealing.layout import CHUNK_AD_LABEL, COMMITMENT_LABEL, CONTEXT_LABEL, COUNTER_SIZE

MAX_COUNTER = 2 ** (8 * COUNTER_SIZE) - 1


def section_context_digest(context: HeaderContext, section_name: str, aead: str) -> bytes:
    """H(label || canonical JSON of the header context plus the section's name and AEAD)."""
    bound = context_json(context) | {"section": section_name, "aead": aead}
    return get_suite(context.suite).hash(CONTEXT_LABEL + canonical_json(bound))


def chunk_associated_data(context_digest: bytes) -> bytes:
    return CHUNK_AD_LABEL + context_digest


def chunk_nonce(counter: int, last: bool) -> bytes:
    """STREAM nonce: the chunk counter as 11 big-endian bytes, then 0x01 for the last chunk, 0x00 for the others."""
    if not 0 <= counter <= MAX_COUNTER:
        raise ValueError("chunk counter out of range")
    return counter.to_bytes(COUNTER_SIZE, "big") + (b"\x01" if last else b"\x00")


def key_commitment(suite: str, context_digest: bytes, content_key: bytes) -> bytes:
    return get_suite(suite).hash(COMMITMENT_LABEL + context_digest + content_key)


def commitment_matches(suite: str, context_digest: bytes, content_key: bytes, commitment: bytes) -> bool:
    return hmac.compare_digest(key_commitment(suite, context_digest, content_key), commitment)
