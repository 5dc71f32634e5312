"""The sealing tests' world: per suite, a demo CA and two bidders, each with a signing certificate, an encryption
certificate (and its private key, as a bidder's tool holds it) and a backup key pair of its own."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zhaocai.core.canonical import canonical_json
from zhaocai.core.clock import FixedClock
from zhaocai.crypto.ca import CertificateAuthority
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.ports import SigningKey
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing import (
    Bidder,
    EnvelopeHeader,
    open_section,
    read_header,
    scan_envelope,
    seal,
    unwrap_section_key,
    verify_header_signature,
)
from zhaocai.sealing.layout import SIGNATURE_LABEL, TAG_SIZE, pack_preamble, pack_signature_length

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SMALL_CHUNK = 64  # the format's smallest chunk: many chunks from little data keeps the tests fast


def _der(pem: bytes) -> bytes:
    return pem_blocks(pem)[0][1]


@dataclass
class Party:
    suite: str
    organisation: str
    signing_key: SigningKey
    signer_certificate: bytes  # PEM
    encryption_certificate: bytes  # PEM
    encryption_key: bytes  # PKCS#8 DER
    backup_public_key: bytes  # SubjectPublicKeyInfo DER
    backup_private_key: bytes  # PKCS#8 DER

    def seal(self, sections: dict[str, bytes], *, out: io.BytesIO | None = None, **overrides: Any) -> bytes:
        arguments: dict[str, Any] = {
            "suite": self.suite,
            "tender_id": "T-2026-0001",
            "lot_id": "标段1",
            "bidder": Bidder.organisation(self.organisation),
            "bid_version": 1,
            "signing_key": self.signing_key,
            "signer_certificate": self.signer_certificate,
            "encryption_certificate": self.encryption_certificate,
            "chunk_size": SMALL_CHUNK,
        } | overrides
        out = out if out is not None else io.BytesIO()
        seal(out, {name: io.BytesIO(data) for name, data in sections.items()}, **arguments)
        return out.getvalue()


def _party(ca: CertificateAuthority, suite: str, name: str, organisation: str) -> Party:
    signer = ca.issue(subject=f"CN={name},O={organisation},C=CN", usage="sign")
    encrypter = ca.issue(subject=f"CN={name},O={organisation},C=CN", usage="encrypt")
    assert signer.private_key_pem is not None and encrypter.private_key_pem is not None
    crypto = get_suite(suite)
    backup = crypto.generate_signing_key()
    return Party(
        suite=suite,
        organisation=organisation,
        signing_key=crypto.load_signing_key(_der(signer.private_key_pem)),
        signer_certificate=signer.certificate_pem,
        encryption_certificate=encrypter.certificate_pem,
        encryption_key=_der(encrypter.private_key_pem),
        backup_public_key=backup.public_key().spki_der(),
        backup_private_key=backup.private_pkcs8_der(),
    )


@dataclass
class World:
    suite: str
    ca: CertificateAuthority
    alice: Party
    bob: Party


def open_all(
    data: bytes, keys: dict[str, bytes] | None = None, *, private_key: bytes | None = None
) -> dict[str, bytes]:
    """Everything a server and an opening ceremony check, in order: keyless scan (lengths, hashes), header
    signature (with the embedded certificate), then each section opened with `keys` (or keys unwrapped with
    `private_key`). Returns each section's plaintext."""
    report = scan_envelope(io.BytesIO(data))
    header = report.header
    verify_header_signature(header)
    plaintexts = {}
    for section in header.sections:
        key = keys[section.name] if keys is not None else unwrap_section_key(header, section, private_key or b"")
        stream = io.BytesIO(data)
        stream.seek(header.section_offset(section.name))
        out = io.BytesIO()
        open_section(stream, header, section, key, out)
        plaintexts[section.name] = out.getvalue()
    return plaintexts


def section_keys(header: EnvelopeHeader, party: Party) -> dict[str, bytes]:
    return {section.name: unwrap_section_key(header, section, party.encryption_key) for section in header.sections}


def build_world(suite: str, directory: Path) -> World:
    ca = CertificateAuthority.init(
        directory / "ca",
        name=f"封标测试CA {suite}",
        suite=suite,
        passphrase=b"ca pass",
        clock=FixedClock(T0),
        scrypt_n=2**4,
    )
    return World(
        suite=suite,
        ca=ca,
        alice=_party(ca, suite, "张三", "91110000100000008J"),
        bob=_party(ca, suite, "李四", "91310000MA1FL0007C"),
    )


# taking envelopes apart and putting them back together, as an attacker would


def parts(data: bytes) -> tuple[EnvelopeHeader, bytes]:
    """The header and everything after the signature (the sections' ciphertext)."""
    header = read_header(io.BytesIO(data))
    return header, data[header.ciphertext_offset :]


def rebuild(data: bytes, header_value: dict[str, Any], *, signing_key: SigningKey | None = None) -> bytes:
    """The envelope with its header replaced by `header_value` (canonical JSON); the old signature is kept unless a
    `signing_key` signs the new header (a bidder can always re-sign its own envelope)."""
    header, ciphertext = parts(data)
    encoded = canonical_json(header_value)
    signature = signing_key.sign(SIGNATURE_LABEL + encoded) if signing_key else header.signature
    return assemble(encoded, signature, ciphertext)


def assemble(encoded: bytes, signature: bytes, ciphertext: bytes) -> bytes:
    return pack_preamble(len(encoded)) + encoded + pack_signature_length(signature) + signature + ciphertext


def header_value(data: bytes) -> dict[str, Any]:
    return json.loads(parts(data)[0].encoded)


def section_chunks(data: bytes, name: str) -> list[bytes]:
    header, _ = parts(data)
    section = header.section(name)
    start = header.section_offset(name)
    body = data[start : start + section.ciphertext_length]
    size = header.chunk_size + TAG_SIZE
    return [body[i : i + size] for i in range(0, len(body), size)]


def replace_section(data: bytes, name: str, ciphertext: bytes) -> bytes:
    header, _ = parts(data)
    start = header.section_offset(name)
    return data[:start] + ciphertext + data[start + header.section(name).ciphertext_length :]
