"""Sealing a bid: each section's plaintext stream is encrypted chunk by chunk under a fresh content key to a
temporary file (ciphertext only), the key is wrapped to the bidder's own keys and committed to, then the signed
header and the ciphertext are written out. Nothing holds a whole section in memory."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from zhaocai.crypto.ports import Hasher, SigningKey
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing.aead import chunk_cipher
from zhaocai.sealing.chunks import Writable, encrypt_stream
from zhaocai.sealing.derive import chunk_associated_data, key_commitment, section_context_digest
from zhaocai.sealing.errors import EnvelopeError
from zhaocai.sealing.header import (
    AEAD_KEY_BYTES,
    SUITE_AEAD,
    Bidder,
    EnvelopeHeader,
    HeaderContext,
    KeyWrapEntry,
    SectionEntry,
    encode_header,
)
from zhaocai.sealing.layout import (
    DEFAULT_CHUNK_SIZE,
    MAX_HEADER_BYTES,
    SIGNATURE_LABEL,
    VERSION,
    pack_preamble,
    pack_signature_length,
)
from zhaocai.sealing.opening import open_section, unwrap_section_key, verify_header_signature
from zhaocai.sealing.parse import check_context, check_section_names, parse_header
from zhaocai.sealing.recipients import Recipient, certificate, require_suite

NONCE_BYTES = 32
COPY_BLOCK = 1024 * 1024
Sections = Mapping[str, BinaryIO] | Sequence[tuple[str, BinaryIO]]


class _HashingSink:
    def __init__(self, hasher: Hasher) -> None:
        self.hasher = hasher

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        return len(data)


def _signer_certificate(signer_certificate: bytes, signing_key: SigningKey, suite: str) -> bytes:
    parsed = certificate(signer_certificate, "signer certificate")
    require_suite(parsed.spki_der, suite, "signer certificate")
    if parsed.spki_der != signing_key.public_key().spki_der():
        raise EnvelopeError(
            "certificate_key_mismatch",
            f"the signing key does not belong to the signer certificate '{parsed.subject_text}'",
            field="signer_certificate",
        )
    return parsed.der


def _recipients(suite: str, encryption_certificate: bytes, backup_key: bytes | None) -> list[tuple[str, Recipient]]:
    bidder = Recipient.from_certificate(encryption_certificate)
    require_suite(bidder.spki_der, suite, "encryption certificate")
    recipients = [("bidder", bidder)]
    if backup_key is not None:
        backup = Recipient.from_bytes(backup_key)
        require_suite(backup.spki_der, suite, "backup key")
        recipients.append(("backup", backup))
    return recipients


def seal(
    out: Writable,
    sections: Sections,
    *,
    suite: str,
    tender_id: str,
    lot_id: str,
    bidder: Bidder,
    bid_version: int,
    signing_key: SigningKey,
    signer_certificate: bytes,
    encryption_certificate: bytes,
    backup_key: bytes | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    test_decrypt_key: bytes | None = None,
    temp_dir: str | Path | None = None,
) -> EnvelopeHeader:
    """Seal `sections` (name -> plaintext stream, in order: e.g. {"whole": f}, or {"technical": t, "price": p})
    into an envelope written to `out`, and return its header.

    `signing_key` must be the key of `signer_certificate` (the bidder's signing certificate, PEM or DER); content
    keys are wrapped to `encryption_certificate` (the bidder's encryption certificate) and, when the tender announces
    the remedy (办法31), also to `backup_key` (a certificate or public key of the bidder's own). With
    `test_decrypt_key` (the encryption certificate's private key, PKCS#8) the envelope is opened again before a byte
    is written to `out` — the local test decryption a bidder tool runs before upload."""
    items = list(sections.items()) if isinstance(sections, Mapping) else list(sections)
    check_section_names([name for name, _ in items])
    context = HeaderContext(
        version=VERSION,
        suite=suite,
        tender_id=tender_id,
        lot_id=lot_id,
        bidder=bidder,
        bid_version=bid_version,
        nonce=secrets.token_bytes(NONCE_BYTES),
        chunk_size=chunk_size,
    )
    check_context(context)
    signer_der = _signer_certificate(signer_certificate, signing_key, suite)
    recipients = _recipients(suite, encryption_certificate, backup_key)
    with ExitStack() as stack:
        sealed = [
            _seal_section(
                context,
                name,
                source,
                recipients,
                stack.enter_context(tempfile.TemporaryFile(dir=temp_dir)),
                hash_plaintext=test_decrypt_key is not None,
            )
            for name, source in items
        ]
        encoded = encode_header(context, signer_der, [section.entry for section in sealed])
        if len(encoded) > MAX_HEADER_BYTES:
            raise EnvelopeError(
                "header_too_large", f"the header would be {len(encoded)} bytes; the format allows {MAX_HEADER_BYTES}"
            )
        header = parse_header(encoded, signing_key.sign(SIGNATURE_LABEL + encoded))
        if test_decrypt_key is not None:
            _test_decrypt(header, sealed, test_decrypt_key)
        out.write(pack_preamble(len(encoded)))
        out.write(encoded)
        out.write(pack_signature_length(header.signature))
        out.write(header.signature)
        for section in sealed:
            section.ciphertext.seek(0)
            shutil.copyfileobj(section.ciphertext, out, COPY_BLOCK)  # type: ignore[misc]
    return header


@dataclass
class _SealedSection:
    entry: SectionEntry
    ciphertext: IO[bytes]  # a temporary file
    plaintext_digest: bytes | None  # for the test decryption


def _seal_section(
    context: HeaderContext,
    name: str,
    source: BinaryIO,
    recipients: list[tuple[str, Recipient]],
    ciphertext: IO[bytes],
    *,
    hash_plaintext: bool,
) -> _SealedSection:
    crypto = get_suite(context.suite)
    aead = SUITE_AEAD[context.suite]
    content_key = secrets.token_bytes(AEAD_KEY_BYTES[aead])  # fresh for every section of every envelope
    context_digest = section_context_digest(context, name, aead)
    ciphertext_hash = crypto.hasher()
    plaintext_hash = crypto.hasher() if hash_plaintext else None
    result = encrypt_stream(
        chunk_cipher(aead, content_key),
        chunk_associated_data(context_digest),
        context.chunk_size,
        source,
        ciphertext,
        ciphertext_hash,
        plaintext_hash,
    )
    wraps = tuple(
        KeyWrapEntry(
            role=role,  # type: ignore[arg-type]
            algorithm=crypto.key_wrap.algorithm,
            recipient_type=recipient.type,
            recipient_sha256=recipient.sha256,
            wrapped=crypto.key_wrap.wrap(recipient.spki_der, content_key),
        )
        for role, recipient in recipients
    )
    entry = SectionEntry(
        name=name,
        aead=aead,
        chunk_count=result.chunk_count,
        ciphertext_length=result.ciphertext_length,
        ciphertext_hash=ciphertext_hash.digest(),
        key_commitment=key_commitment(context.suite, context_digest, content_key),
        key_wraps=wraps,
    )
    return _SealedSection(entry, ciphertext, plaintext_hash.digest() if plaintext_hash else None)


def _test_decrypt(header: EnvelopeHeader, sealed: list[_SealedSection], private_key: bytes) -> None:
    """Open the envelope as an opener would — signature, unwrap, commitment, every chunk — from the very ciphertext
    bytes about to be written, and compare with the plaintext read."""
    try:
        verify_header_signature(header)
        for section, sealed_section in zip(header.sections, sealed, strict=True):
            key = unwrap_section_key(header, section, private_key)
            sealed_section.ciphertext.seek(0)
            sink = _HashingSink(get_suite(header.suite).hasher())
            open_section(sealed_section.ciphertext, header, section, key, sink)  # type: ignore[arg-type]
            if sink.hasher.digest() != sealed_section.plaintext_digest:
                raise EnvelopeError(
                    "test_decrypt_failed", f"section {section.name!r} decrypts to something other than its plaintext"
                )
    except EnvelopeError as exc:
        raise EnvelopeError(
            "test_decrypt_failed",
            f"test decryption failed, nothing was written: {exc.message}",
            field=exc.field,
            detail={"cause": exc.code},
        ) from exc
