"""Who a content key is wrapped to: the bidder's encryption certificate, or a backup public key of its own.

A recipient is named in the header by the SHA-256 of its certificate DER (the platform's certificate fingerprint)
or of its SubjectPublicKeyInfo DER (a bare backup key), so the holder can tell which of its keys opens the wrap.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from zhaocai.crypto import keys
from zhaocai.crypto.certs.parsed import ParsedCertificate
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.sealing.errors import EnvelopeError

SUITE_KEY_ALGORITHM = {"gm": keys.SM2, "std": keys.ECDSA_P256}


def der_of(data: bytes, label: str) -> bytes:
    """DER from PEM (the first block labelled `label`) or DER given as is."""
    if data.lstrip().startswith(b"-----BEGIN"):
        for found, der in pem_blocks(data):
            if found == label:
                return der
        raise ValueError(f"no PEM block {label!r}")
    return data


def certificate(data: bytes, what: str) -> ParsedCertificate:
    try:
        return ParsedCertificate.from_bytes(data)
    except ValueError as exc:
        raise ValueError(f"the {what} cannot be read: {exc}") from exc


def require_suite(spki_der: bytes, suite: str, what: str) -> None:
    try:
        algorithm = keys.spki_algorithm(spki_der)
    except keys.UnsupportedKeyError as exc:
        raise EnvelopeError("wrong_suite", f"the {what} has a key zhaocai does not use", field=what) from exc
    if algorithm != SUITE_KEY_ALGORITHM[suite]:
        raise EnvelopeError(
            "wrong_suite",
            f"the {what} has a {algorithm} key; a {suite} envelope needs {SUITE_KEY_ALGORITHM[suite]}",
            field=what,
        )


@dataclass(frozen=True)
class Recipient:
    spki_der: bytes
    type: str  # "certificate" | "public_key"
    sha256: str

    @classmethod
    def from_certificate(cls, data: bytes) -> Recipient:
        """An encryption certificate, PEM or DER."""
        parsed = certificate(data, "encryption certificate")
        return cls(parsed.spki_der, "certificate", parsed.fingerprint)

    @classmethod
    def from_public_key(cls, data: bytes) -> Recipient:
        """A SubjectPublicKeyInfo, PEM ("PUBLIC KEY") or DER."""
        spki = der_of(data, "PUBLIC KEY")
        return cls(spki, "public_key", hashlib.sha256(spki).hexdigest())

    @classmethod
    def from_bytes(cls, data: bytes) -> Recipient:
        """A certificate or a public key, PEM or DER, whichever it is."""
        if b"-----BEGIN CERTIFICATE-----" in data:
            return cls.from_certificate(data)
        if data.lstrip().startswith(b"-----BEGIN"):
            return cls.from_public_key(data)
        try:
            return cls.from_certificate(data)
        except ValueError:
            return cls.from_public_key(data)
