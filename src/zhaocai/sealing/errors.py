"""Why an envelope was refused. One class, one `code` per reason, so a server, a bidder tool and the opening
ceremony can each say precisely what went wrong (and whose fault it is: see docs/envelope.md §9)."""

from __future__ import annotations

from typing import Any

from zhaocai.core.errors import ValidationFailed

# code -> what it means; the spec (docs/envelope.md) lists the same codes
CODES = {
    "not_an_envelope": "the bytes do not start with the envelope magic: a plain file posing as a bid",
    "unsupported_version": "an envelope format version this reader does not know",
    "header_too_large": "the header length is beyond the limit",
    "limit_exceeded": "a count or size in the header is beyond the limit (sections, chunks, envelope size, ...)",
    "malformed_header": "the header is not canonical JSON of the expected shape, or its fields disagree",
    "malformed_signature": "the signature length is outside the allowed range",
    "bad_signature": "the header signature does not verify with the signer's key",
    "wrong_suite": "a key, certificate or algorithm of the other crypto suite",
    "truncated": "the stream ended before the envelope (or a section) did",
    "trailing_data": "bytes after the last section",
    "ciphertext_hash_mismatch": "a section's ciphertext is not the one the signed header names",
    "chunk_authentication_failed": "a chunk's tag does not verify (altered, reordered, moved, or the wrong key)",
    "no_such_section": "the header has no section of that name",
    "no_such_key_wrap": "the section has no key wrap for that recipient role",
    "key_unwrap_failed": "the key wrap does not open with this private key",
    "key_commitment_mismatch": "the content key is not the one the signed header commits to",
    "certificate_key_mismatch": "the signing key does not belong to the signer certificate given",
    "test_decrypt_failed": "the freshly sealed envelope did not open again (nothing was written)",
}


class EnvelopeError(ValidationFailed):
    """A sealed-bid envelope was refused; `code` is one of CODES."""

    code = "envelope_invalid"

    def __init__(
        self, code: str, message: str, *, field: str | None = None, detail: dict[str, Any] | None = None
    ) -> None:
        if code not in CODES:
            raise ValueError(f"unknown envelope error code {code!r}")
        super().__init__(message, field=field, code=code, detail=detail)
