"""Certificates and CRLs as read for verification: `cryptography` parses both suites' encodings; SM2 signatures
are checked here over the TBS bytes with the issuer's key (cryptography raises UnsupportedAlgorithm for SM2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from zhaocai.crypto import keys
from zhaocai.crypto.certs.names import format_name
from zhaocai.crypto.certs.profile import sha256_hex
from zhaocai.crypto.ports import InvalidSignatureError
from zhaocai.crypto.suites.gm import SM2_WITH_SM3_OID

_KEY_USAGE_BITS = (
    ("digital_signature", "digital_signature"),
    ("content_commitment", "non_repudiation"),
    ("key_encipherment", "key_encipherment"),
    ("data_encipherment", "data_encipherment"),
    ("key_agreement", "key_agreement"),
    ("key_cert_sign", "key_cert_sign"),
    ("crl_sign", "crl_sign"),
)


def _signature_checks(
    signature_oid: str, signature: bytes, tbs: bytes, issuer: ParsedCertificate, cryptography_check: object
) -> bool:
    if signature_oid == SM2_WITH_SM3_OID:
        if issuer.key_algorithm != keys.SM2:
            return False
        try:
            issuer.verifying_key.verify(signature, tbs)
        except InvalidSignatureError:
            return False
        return True
    try:
        return bool(cryptography_check())  # type: ignore[operator]
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False


class ParsedCertificate:
    def __init__(self, der: bytes) -> None:
        try:
            self.x509 = x509.load_der_x509_certificate(der)
            self.x509.extensions  # noqa: B018 - parsed lazily by cryptography; fail here, not mid-verification
            self.spki_der: bytes = asn1_x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"].dump()
        except (ValueError, x509.DuplicateExtension) as exc:
            raise ValueError(f"not an X.509 certificate ({exc})") from exc
        self.der = der

    @classmethod
    def from_bytes(cls, data: bytes) -> ParsedCertificate:
        """PEM or DER."""
        if data.lstrip().startswith(b"-----BEGIN"):
            try:
                data = x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
            except ValueError as exc:
                raise ValueError(f"not a PEM certificate ({exc})") from exc
        return cls(data)

    @property
    def subject(self) -> x509.Name:
        return self.x509.subject

    @property
    def issuer(self) -> x509.Name:
        return self.x509.issuer

    @cached_property
    def subject_text(self) -> str:
        return format_name(self.x509.subject)

    @cached_property
    def issuer_text(self) -> str:
        return format_name(self.x509.issuer)

    @property
    def serial(self) -> int:
        return self.x509.serial_number

    @property
    def not_before(self) -> datetime:
        return self.x509.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.x509.not_valid_after_utc

    @cached_property
    def fingerprint(self) -> str:
        return sha256_hex(self.der)

    @cached_property
    def verifying_key(self) -> keys.VerifyingKey:
        """Loaded once: a CA of the trust store checks every certificate it issued."""
        return keys.load_verifying_key(self.spki_der, algorithm=self.key_algorithm)

    @cached_property
    def key_algorithm(self) -> str | None:
        """ "sm2-sm3" | "ecdsa-p256-sha256" | "ed25519", or None for keys zhaocai does not use (an RSA root, say)."""
        try:
            return keys.spki_algorithm(self.spki_der)
        except keys.UnsupportedKeyError:
            return None

    def _extension(self, kind: type[x509.ExtensionType]) -> x509.Extension | None:
        try:
            return self.x509.extensions.get_extension_for_class(kind)
        except x509.ExtensionNotFound:
            return None

    @cached_property
    def is_ca(self) -> bool:
        extension = self._extension(x509.BasicConstraints)
        return bool(extension and extension.value.ca)

    @cached_property
    def path_length(self) -> int | None:
        extension = self._extension(x509.BasicConstraints)
        return extension.value.path_length if extension else None

    @cached_property
    def key_usage(self) -> frozenset[str] | None:
        """The key usage bits set (RFC 5280 names), or None when the extension is absent."""
        extension = self._extension(x509.KeyUsage)
        if extension is None:
            return None
        return frozenset(ours for attribute, ours in _KEY_USAGE_BITS if getattr(extension.value, attribute))

    @cached_property
    def subject_key_id(self) -> bytes | None:
        extension = self._extension(x509.SubjectKeyIdentifier)
        return extension.value.digest if extension else None

    @cached_property
    def authority_key_id(self) -> bytes | None:
        extension = self._extension(x509.AuthorityKeyIdentifier)
        return extension.value.key_identifier if extension else None

    @cached_property
    def unknown_critical_extensions(self) -> list[str]:
        return [
            extension.oid.dotted_string
            for extension in self.x509.extensions
            if extension.critical and isinstance(extension.value, x509.UnrecognizedExtension)
        ]

    @property
    def is_self_issued(self) -> bool:
        return self.subject == self.issuer

    def may_be_issued_by(self, issuer: ParsedCertificate) -> bool:
        """Names chain, and key identifiers do not contradict each other."""
        if self.issuer != issuer.subject:
            return False
        return self.authority_key_id is None or issuer.subject_key_id in (None, self.authority_key_id)

    def is_signed_by(self, issuer: ParsedCertificate) -> bool:
        return _signature_checks(
            self.x509.signature_algorithm_oid.dotted_string,
            self.x509.signature,
            self.x509.tbs_certificate_bytes,
            issuer,
            lambda: self.x509.verify_directly_issued_by(issuer.x509) is None,
        )


@dataclass(frozen=True)
class Revocation:
    revoked_at: datetime
    reason: str | None


class ParsedCrl:
    def __init__(self, der: bytes) -> None:
        try:
            self.x509 = x509.load_der_x509_crl(der)
            self.x509.extensions  # noqa: B018 - parsed lazily by cryptography
        except (ValueError, x509.DuplicateExtension) as exc:
            raise ValueError(f"not an X.509 CRL ({exc})") from exc
        self.der = der

    @classmethod
    def from_bytes(cls, data: bytes) -> ParsedCrl:
        if data.lstrip().startswith(b"-----BEGIN"):
            try:
                data = x509.load_pem_x509_crl(data).public_bytes(serialization.Encoding.DER)
            except ValueError as exc:
                raise ValueError(f"not a PEM CRL ({exc})") from exc
        return cls(data)

    @property
    def issuer(self) -> x509.Name:
        return self.x509.issuer

    @property
    def this_update(self) -> datetime:
        return self.x509.last_update_utc

    @property
    def next_update(self) -> datetime | None:
        return self.x509.next_update_utc

    @cached_property
    def number(self) -> int | None:
        try:
            return self.x509.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        except x509.ExtensionNotFound:
            return None

    def is_signed_by(self, issuer: ParsedCertificate) -> bool:
        if self.issuer != issuer.subject:
            return False
        return _signature_checks(
            self.x509.signature_algorithm_oid.dotted_string,
            self.x509.signature,
            self.x509.tbs_certlist_bytes,
            issuer,
            lambda: self.x509.is_signature_valid(issuer.x509.public_key()),  # type: ignore[arg-type]
        )

    def revocation(self, serial: int) -> Revocation | None:
        entry = self.x509.get_revoked_certificate_by_serial_number(serial)
        if entry is None:
            return None
        try:
            reason: str | None = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
        except x509.ExtensionNotFound:
            reason = None
        return Revocation(entry.revocation_date_utc, reason)
