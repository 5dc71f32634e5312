"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): 30-second steps, 6 digits, SHA-1, ±1 step.

Pure: the caller passes the time and the key. The secret is shared with an authenticator app as base32 in an
otpauth:// URI; a code's step is remembered so that the same code cannot be used twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps of clock drift tolerated either side


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(when: datetime) -> int:
    return int(when.timestamp()) // STEP_SECONDS


def totp(key: bytes, when: datetime, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    return hotp(key, time_step(when), digits=digits, digest=digest)


def decode_secret(secret_b32: str) -> bytes:
    padded = secret_b32.upper() + "=" * (-len(secret_b32) % 8)
    return base64.b32decode(padded)


def encode_secret(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


def matching_step(secret_b32: str, code: str, when: datetime, *, after_step: int | None) -> int | None:
    """The step whose code equals `code` within ±WINDOW of `when` and later than `after_step`, else None."""
    code = (code or "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = decode_secret(secret_b32)
    now_step = time_step(when)
    for step in range(now_step - WINDOW, now_step + WINDOW + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret_b32: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code (Google Authenticator key-URI format)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret_b32, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"
