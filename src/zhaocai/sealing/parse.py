"""Strict parsing of the envelope header (docs/envelope.md §4).

A header is accepted only if it is exactly the canonical encoding of what it says (no duplicate or unknown keys, no
floats, no whitespace, sorted keys, canonical base64 and lowercase hex), so the bytes that were signed have one
meaning only; and only if its fields agree with each other (lengths with chunk counts, algorithms with the suite).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from zhaocai.core.canonical import canonical_json
from zhaocai.sealing.errors import EnvelopeError
from zhaocai.sealing.header import (
    HASH_BYTES,
    MAX_BID_VERSION,
    MAX_CERTIFICATE_BYTES,
    MAX_CONSORTIUM_MEMBERS,
    MAX_ID_CHARS,
    MAX_WRAPPED_BYTES,
    RECIPIENT_TYPES,
    ROLES,
    SECTION_NAME,
    SUITE_AEAD,
    SUITE_KEY_WRAP,
    Bidder,
    EnvelopeHeader,
    HeaderContext,
    KeyWrapEntry,
    SectionEntry,
    b64,
    context_json,
)
from zhaocai.sealing.layout import (
    DEFAULT_LIMITS,
    FORMAT_NAME,
    MAX_CHUNK_SIZE,
    MAX_NONCE_BYTES,
    MIN_CHUNK_SIZE,
    MIN_NONCE_BYTES,
    SUPPORTED_VERSIONS,
    Limits,
    ciphertext_length_fits,
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_HEX = re.compile(r"[0-9a-f]*")


def _malformed(field: str, message: str) -> EnvelopeError:
    return EnvelopeError("malformed_header", f"envelope header: {field}: {message}", field=f"header.{field}")


def _reject_float(text: str) -> Any:
    raise ValueError(f"non-integer number {text}")


class _Fields:
    """A strict view of one JSON object: every key must be read, types are exact."""

    def __init__(self, value: Any, path: str, keys: set[str]) -> None:
        if not isinstance(value, dict):
            raise _malformed(path, "expected an object")
        if set(value) != keys:
            missing, unknown = sorted(keys - set(value)), sorted(set(value) - keys)
            raise _malformed(path, f"missing {missing or 'nothing'}, unknown {unknown or 'nothing'}")
        self._value: Mapping[str, Any] = value
        self._path = path

    def path(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def raw(self, key: str) -> Any:
        return self._value[key]

    def integer(self, key: str, low: int, high: int) -> int:
        value = self._value[key]
        if type(value) is not int or not low <= value <= high:
            raise _malformed(self.path(key), f"expected an integer in {low}..{high}, got {value!r}")
        return value

    def text(self, key: str, *, choices: tuple[str, ...] | None = None, pattern: re.Pattern[str] | None = None) -> str:
        value = self._value[key]
        if not isinstance(value, str):
            raise _malformed(self.path(key), "expected a string")
        if choices is not None and value not in choices:
            raise _malformed(self.path(key), f"expected one of {', '.join(choices)}, got {value!r}")
        if pattern is not None and not pattern.fullmatch(value):
            raise _malformed(self.path(key), f"{value!r} does not match {pattern.pattern}")
        return value

    def identifier(self, key: str) -> str:
        return _identifier(self._value[key], self.path(key))

    def hex_bytes(self, key: str, low: int, high: int) -> bytes:
        value = self.text(key, pattern=_HEX)
        if len(value) % 2 or not low <= len(value) // 2 <= high:
            raise _malformed(self.path(key), f"expected {low}..{high} bytes as lowercase hex")
        return bytes.fromhex(value)

    def base64_bytes(self, key: str, high: int) -> bytes:
        value = self.text(key)
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _malformed(self.path(key), "not base64") from exc
        if b64(data) != value or not 1 <= len(data) <= high:
            raise _malformed(self.path(key), f"expected 1..{high} bytes as canonical base64 (RFC 4648, padded)")
        return data

    def items(self, key: str, low: int, high: int) -> Iterator[tuple[int, Any]]:
        value = self._value[key]
        if not isinstance(value, list) or not low <= len(value) <= high:
            raise _malformed(self.path(key), f"expected a list of {low}..{high} items")
        return iter(enumerate(value))


def _identifier(value: Any, path: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_CHARS:
        raise _malformed(path, f"expected a string of 1..{MAX_ID_CHARS} characters")
    if _CONTROL.search(value) or value != value.strip():
        raise _malformed(path, "control characters or surrounding whitespace")
    return value


def _parse_bidder(value: Any) -> Bidder:
    kind = value.get("kind") if isinstance(value, dict) else None
    if kind == "organisation":
        fields = _Fields(value, "bidder", {"kind", "id"})
        return Bidder(fields.identifier("id"))
    if kind != "consortium":
        raise _malformed("bidder.kind", "expected organisation or consortium")
    fields = _Fields(value, "bidder", {"kind", "lead", "members"})
    lead = fields.identifier("lead")
    members = [
        _identifier(member, f"bidder.members[{i}]") for i, member in fields.items("members", 1, MAX_CONSORTIUM_MEMBERS)
    ]
    if members != sorted(set(members)) or lead in members:
        raise _malformed("bidder.members", "members must be sorted, unique, and not repeat the lead")
    return Bidder(lead, tuple(members))


def _parse_key_wrap(value: Any, path: str, suite: str) -> KeyWrapEntry:
    fields = _Fields(value, path, {"algorithm", "recipient", "role", "wrapped"})
    recipient = _Fields(fields.raw("recipient"), fields.path("recipient"), {"sha256", "type"})
    return KeyWrapEntry(
        role=fields.text("role", choices=ROLES),  # type: ignore[arg-type]
        algorithm=fields.text("algorithm", choices=(SUITE_KEY_WRAP[suite],)),
        recipient_type=recipient.text("type", choices=RECIPIENT_TYPES),
        recipient_sha256=recipient.hex_bytes("sha256", 32, 32).hex(),
        wrapped=fields.base64_bytes("wrapped", MAX_WRAPPED_BYTES),
    )


def _parse_section(value: Any, path: str, context: HeaderContext, limits: Limits) -> SectionEntry:
    fields = _Fields(
        value,
        path,
        {"aead", "chunk_count", "ciphertext_hash", "ciphertext_length", "key_commitment", "key_wraps", "name"},
    )
    name = fields.text("name", pattern=SECTION_NAME)
    chunk_count = fields.integer("chunk_count", 1, 2**53 - 1)
    if chunk_count > limits.max_chunks_per_section:
        raise EnvelopeError(
            "limit_exceeded",
            f"section {name!r} has {chunk_count} chunks; at most {limits.max_chunks_per_section} are accepted",
            field=f"header.{fields.path('chunk_count')}",
        )
    ciphertext_length = fields.integer("ciphertext_length", 0, 2**53 - 1)
    if not ciphertext_length_fits(context.chunk_size, chunk_count, ciphertext_length):
        raise _malformed(
            fields.path("ciphertext_length"),
            f"{ciphertext_length} bytes cannot be {chunk_count} chunks of {context.chunk_size}",
        )
    wraps = tuple(
        _parse_key_wrap(item, fields.path(f"key_wraps[{i}]"), context.suite)
        for i, item in fields.items("key_wraps", 1, len(ROLES))
    )
    roles = [wrap.role for wrap in wraps]
    if roles not in (["bidder"], ["bidder", "backup"]):
        raise _malformed(fields.path("key_wraps"), "expected the bidder's key wrap, then optionally its backup")
    return SectionEntry(
        name=name,
        aead=fields.text("aead", choices=(SUITE_AEAD[context.suite],)),
        chunk_count=chunk_count,
        ciphertext_length=ciphertext_length,
        ciphertext_hash=fields.hex_bytes("ciphertext_hash", HASH_BYTES, HASH_BYTES),
        key_commitment=fields.hex_bytes("key_commitment", HASH_BYTES, HASH_BYTES),
        key_wraps=wraps,
    )


def _load_json(encoded: bytes) -> Any:
    try:
        value = json.loads(encoded.decode("utf-8"), parse_float=_reject_float, parse_constant=_reject_float)
        canonical = canonical_json(value)
    except (UnicodeDecodeError, ValueError, TypeError, RecursionError) as exc:
        raise EnvelopeError("malformed_header", f"envelope header is not JSON ({exc})", field="header") from exc
    if canonical != encoded:
        raise EnvelopeError(
            "malformed_header",
            "envelope header is not in canonical form (sorted keys, no whitespace, no duplicate keys)",
            field="header",
        )
    return value


_CONTEXT_KEYS = {"bid_version", "bidder", "chunk_size", "format", "lot_id", "nonce", "suite", "tender_id", "version"}


def _parse_context(fields: _Fields) -> HeaderContext:
    fields.text("format", choices=(FORMAT_NAME,))
    return HeaderContext(
        version=fields.integer("version", min(SUPPORTED_VERSIONS), max(SUPPORTED_VERSIONS)),
        suite=fields.text("suite", choices=tuple(SUITE_AEAD)),
        tender_id=fields.identifier("tender_id"),
        lot_id=fields.identifier("lot_id"),
        bidder=_parse_bidder(fields.raw("bidder")),
        bid_version=fields.integer("bid_version", 1, MAX_BID_VERSION),
        nonce=fields.hex_bytes("nonce", MIN_NONCE_BYTES, MAX_NONCE_BYTES),
        chunk_size=fields.integer("chunk_size", MIN_CHUNK_SIZE, MAX_CHUNK_SIZE),
    )


def check_context(context: HeaderContext) -> None:
    """Refuse (malformed_header) a context that no reader would accept: for writers, before they encrypt."""
    if _parse_context(_Fields(context_json(context), "", _CONTEXT_KEYS)) != context:
        raise _malformed("", "the context does not survive encoding")


def check_section_names(names: list[str], limits: Limits = DEFAULT_LIMITS) -> None:
    if not 1 <= len(names) <= limits.max_sections:
        raise _malformed("sections", f"expected 1..{limits.max_sections} sections, got {len(names)}")
    for name in names:
        if not SECTION_NAME.fullmatch(name):
            raise _malformed("sections", f"section name {name!r} does not match {SECTION_NAME.pattern}")
    if len(set(names)) != len(names):
        raise _malformed("sections", f"section names repeat: {names}")


def parse_header(
    encoded: bytes, signature: bytes, limits: Limits = DEFAULT_LIMITS, *, version: int | None = None
) -> EnvelopeHeader:
    """Parse and check the header bytes (not the signature: see opening.verify_header_signature); `version` is the
    preamble's, which the header's own must equal."""
    value = _load_json(encoded)
    fields = _Fields(value, "", _CONTEXT_KEYS | {"sections", "signer_certificate"})
    context = _parse_context(fields)
    if version is not None and context.version != version:
        raise _malformed("version", f"the header says version {context.version}, the preamble {version}")
    raw_sections = fields.raw("sections")
    if isinstance(raw_sections, list) and len(raw_sections) > limits.max_sections:
        raise EnvelopeError(
            "limit_exceeded",
            f"the envelope has {len(raw_sections)} sections; at most {limits.max_sections} are accepted",
            field="header.sections",
        )
    sections = tuple(
        _parse_section(item, f"sections[{i}]", context, limits)
        for i, item in fields.items("sections", 1, limits.max_sections)
    )
    names = [section.name for section in sections]
    if len(set(names)) != len(names):
        raise _malformed("sections", f"section names repeat: {names}")
    header = EnvelopeHeader(
        context=context,
        signer_certificate=fields.base64_bytes("signer_certificate", MAX_CERTIFICATE_BYTES),
        sections=sections,
        encoded=bytes(encoded),
        signature=bytes(signature),
    )
    if limits.max_envelope_bytes is not None and header.envelope_length > limits.max_envelope_bytes:
        raise EnvelopeError(
            "limit_exceeded",
            f"the envelope would be {header.envelope_length} bytes; at most {limits.max_envelope_bytes} are accepted",
            field="header.sections",
            detail={"envelope_length": header.envelope_length, "limit": limits.max_envelope_bytes},
        )
    return header
