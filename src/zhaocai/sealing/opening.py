"""Checking and opening an envelope: the header signature, the key wraps, the key commitment, and the sections.

Whether the signer's certificate is trusted, valid and the bidder's own is the caller's question (a trust store's);
these functions check the cryptography and say precisely what they found.
"""

from __future__ import annotations

from typing import BinaryIO

from zhaocai.crypto import keys
from zhaocai.crypto.ports import InvalidSignatureError, KeyUnwrapError, Suite, VerifyingKey
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing.aead import chunk_cipher
from zhaocai.sealing.chunks import Writable, decrypt_stream
from zhaocai.sealing.derive import chunk_associated_data, commitment_matches, section_context_digest
from zhaocai.sealing.errors import EnvelopeError
from zhaocai.sealing.header import EnvelopeHeader, Role, SectionEntry
from zhaocai.sealing.recipients import SUITE_KEY_ALGORITHM, certificate, der_of


def verify_header_signature(header: EnvelopeHeader, key: VerifyingKey | bytes | None = None) -> VerifyingKey:
    """Check the header signature with `key`: a verifying key, a certificate (PEM or DER) — normally the one a trust
    store has just accepted — or None for the key of the certificate embedded in the header (which proves only that
    the header is intact; who holds that certificate is still the caller's question). Returns the key used."""
    if key is None:
        key = header.signer_certificate
    if isinstance(key, bytes):
        try:
            spki = certificate(key, "signer certificate").spki_der
            key = keys.load_verifying_key(spki)
        except (ValueError, keys.UnsupportedKeyError) as exc:
            raise EnvelopeError(
                "bad_signature", f"the signer certificate cannot be used: {exc}", field="signer"
            ) from exc
    expected = SUITE_KEY_ALGORITHM[header.suite]
    if key.algorithm != expected:
        raise EnvelopeError(
            "wrong_suite",
            f"a {header.suite} envelope is signed with {expected}, not with a {key.algorithm} key",
            field="signer",
        )
    try:
        key.verify(header.signature, header.signed_message)
    except InvalidSignatureError as exc:
        raise EnvelopeError(
            "bad_signature",
            "the envelope header signature does not verify: the header (its sections, key wraps, commitments or "
            "ciphertext hashes) was altered, or it was signed with another key",
            field="signature",
        ) from exc
    return key


def _section(header: EnvelopeHeader, section: str | SectionEntry) -> SectionEntry:
    return header.section(section if isinstance(section, str) else section.name)


def _suite(header: EnvelopeHeader, suite: Suite | str | None) -> Suite:
    chosen = get_suite(suite) if isinstance(suite, str) else suite or get_suite(header.suite)
    if chosen.name != header.suite:
        raise EnvelopeError("wrong_suite", f"this is a {header.suite} envelope, not {chosen.name}", field="suite")
    return chosen


def section_context(header: EnvelopeHeader, section: SectionEntry) -> bytes:
    return section_context_digest(header.context, section.name, section.aead)


def check_key_commitment(header: EnvelopeHeader, section: str | SectionEntry, key: bytes) -> None:
    """Raise key_commitment_mismatch unless `key` is the content key the signed header commits to for `section`."""
    entry = _section(header, section)
    if not commitment_matches(header.suite, section_context(header, entry), key, entry.key_commitment):
        raise EnvelopeError(
            "key_commitment_mismatch",
            f"the key given for section {entry.name!r} is not the one the bidder committed to when sealing",
            field=f"sections.{entry.name}.key",
        )


def unwrap_section_key(
    header: EnvelopeHeader,
    section: str | SectionEntry,
    recipient_private_key_pkcs8: bytes,
    suite: Suite | str | None = None,
    which: Role = "bidder",
) -> bytes:
    """The section's content key, unwrapped with the bidder's encryption key (or its backup key) and checked against
    the key commitment. The private key is PKCS#8, DER or PEM."""
    entry = _section(header, section)
    chosen = _suite(header, suite)
    wrap = entry.key_wrap(which)
    if wrap is None:
        raise EnvelopeError(
            "no_such_key_wrap", f"section {entry.name!r} has no {which} key wrap", field=f"sections.{entry.name}"
        )
    try:
        key = chosen.key_wrap.unwrap(der_of(recipient_private_key_pkcs8, "PRIVATE KEY"), wrap.wrapped)
    except (KeyUnwrapError, ValueError) as exc:
        raise EnvelopeError(
            "key_unwrap_failed",
            f"the {which} key wrap of section {entry.name!r} does not open with this private key "
            f"(it was made for the key with SHA-256 {wrap.recipient_sha256[:16]}...)",
            field=f"sections.{entry.name}.key_wraps.{which}",
        ) from exc
    check_key_commitment(header, entry, key)
    return key


def open_section(
    stream: BinaryIO, header: EnvelopeHeader, section: str | SectionEntry, key: bytes, out: Writable
) -> int:
    """Decrypt one section from `stream`, positioned at the section's first ciphertext byte
    (`stream.seek(header.section_offset(name))` on a whole envelope), into `out`; return the plaintext length.

    The key is checked against the commitment first; every chunk's tag (bound to its position, the last-chunk
    flag and the header context) before its plaintext is written; the ciphertext hash at the end. On an error,
    `out` may hold the plaintext of the chunks before the bad one: write to a temporary file and discard it."""
    entry = _section(header, section)
    check_key_commitment(header, entry, key)
    context = section_context(header, entry)
    hasher = get_suite(header.suite).hasher()
    length = decrypt_stream(
        chunk_cipher(entry.aead, key),
        chunk_associated_data(context),
        header.chunk_size,
        entry.chunk_count,
        entry.ciphertext_length,
        stream,
        out,
        hasher,
        entry.name,
    )
    if hasher.digest() != entry.ciphertext_hash:
        raise EnvelopeError(
            "ciphertext_hash_mismatch",
            f"section {entry.name!r} decrypted, but its ciphertext is not the one the signed header names",
            field=f"sections.{entry.name}",
        )
    return length
