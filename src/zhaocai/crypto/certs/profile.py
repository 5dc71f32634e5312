"""What goes into a certificate or CRL, independent of the library that encodes and signs it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from asn1crypto import keys as asn1_keys
from cryptography import x509

Usage = Literal["sign", "encrypt"]
USAGES: tuple[Usage, ...] = ("sign", "encrypt")

# key usage bits by the names RFC 5280 gives them (asn1crypto spells them the same way)
CA_KEY_USAGE = frozenset({"key_cert_sign", "crl_sign"})
SIGN_KEY_USAGE = frozenset({"digital_signature", "non_repudiation"})
ENCRYPT_KEY_USAGE = {
    "std": frozenset({"key_agreement", "key_encipherment"}),
    "gm": frozenset({"key_agreement", "key_encipherment", "data_encipherment"}),
}
# what a verifier accepts for each usage: any one of these bits
ACCEPTED_KEY_USAGE = {
    "sign": frozenset({"digital_signature", "non_repudiation"}),
    "encrypt": frozenset({"key_encipherment", "key_agreement", "data_encipherment"}),
}
CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4"
SIGN_EXTENDED_KEY_USAGE = (CLIENT_AUTH, EMAIL_PROTECTION)

REVOCATION_REASONS = (
    "unspecified",
    "keyCompromise",
    "cACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "privilegeWithdrawn",
    "aACompromise",
)


def leaf_key_usage(suite: str, usage: Usage) -> frozenset[str]:
    return SIGN_KEY_USAGE if usage == "sign" else ENCRYPT_KEY_USAGE[suite]


def key_identifier(spki_der: bytes) -> bytes:
    """RFC 5280 4.2.1.2 method 1: SHA-1 over the subjectPublicKey BIT STRING."""
    return asn1_keys.PublicKeyInfo.load(spki_der).sha1


@dataclass(frozen=True)
class CertificateProfile:
    subject: x509.Name
    issuer: x509.Name
    serial: int
    not_before: datetime
    not_after: datetime
    subject_spki_der: bytes
    issuer_spki_der: bytes
    is_ca: bool
    key_usage: frozenset[str]
    extended_key_usage: tuple[str, ...] = ()
    path_length: int | None = None  # CAs only: how many intermediate CAs may follow

    def __post_init__(self) -> None:
        if self.not_after <= self.not_before:
            raise ValueError("certificate would expire before it starts")
        if self.serial <= 0:
            raise ValueError("certificate serial numbers are positive")


@dataclass(frozen=True)
class RevokedEntry:
    serial: int
    revoked_at: datetime
    reason: str = "unspecified"


@dataclass(frozen=True)
class CrlProfile:
    issuer: x509.Name
    issuer_spki_der: bytes
    this_update: datetime
    next_update: datetime
    number: int
    revoked: tuple[RevokedEntry, ...]


def sha256_hex(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()
