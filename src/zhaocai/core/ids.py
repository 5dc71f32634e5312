"""Identifiers: time-ordered, random, 26 characters (ULID layout, Crockford base32)."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_token(nbytes: int = 32) -> str:
    """A secret for URLs and headers (API tokens, reset links, challenges)."""
    return secrets.token_urlsafe(nbytes)
