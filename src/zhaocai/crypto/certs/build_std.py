"""Certificates and CRLs for the `std` suite, built and signed (ECDSA P-256 with SHA-256) by `cryptography`."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from zhaocai.crypto.certs.profile import CertificateProfile, CrlProfile, key_identifier
from zhaocai.crypto.suites.std import P256SigningKey

_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "keyCompromise": x509.ReasonFlags.key_compromise,
    "cACompromise": x509.ReasonFlags.ca_compromise,
    "affiliationChanged": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
    "certificateHold": x509.ReasonFlags.certificate_hold,
    "privilegeWithdrawn": x509.ReasonFlags.privilege_withdrawn,
    "aACompromise": x509.ReasonFlags.aa_compromise,
}


def _key_usage(bits: frozenset[str]) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature="digital_signature" in bits,
        content_commitment="non_repudiation" in bits,
        key_encipherment="key_encipherment" in bits,
        data_encipherment="data_encipherment" in bits,
        key_agreement="key_agreement" in bits,
        key_cert_sign="key_cert_sign" in bits,
        crl_sign="crl_sign" in bits,
        encipher_only=False,
        decipher_only=False,
    )


def _aki(issuer_spki_der: bytes) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier(key_identifier(issuer_spki_der), None, None)


def build_certificate(profile: CertificateProfile, issuer_key: P256SigningKey) -> bytes:
    """DER."""
    subject_key = serialization.load_der_public_key(profile.subject_spki_der)
    path_length = profile.path_length if profile.is_ca else None
    builder = (
        x509.CertificateBuilder()
        .subject_name(profile.subject)
        .issuer_name(profile.issuer)
        .serial_number(profile.serial)
        .not_valid_before(profile.not_before)
        .not_valid_after(profile.not_after)
        .public_key(subject_key)  # type: ignore[arg-type]
        .add_extension(x509.BasicConstraints(ca=profile.is_ca, path_length=path_length), True)
        .add_extension(_key_usage(profile.key_usage), True)
        .add_extension(x509.SubjectKeyIdentifier(key_identifier(profile.subject_spki_der)), False)
        .add_extension(_aki(profile.issuer_spki_der), False)
    )
    if profile.extended_key_usage:
        eku = x509.ExtendedKeyUsage([x509.ObjectIdentifier(oid) for oid in profile.extended_key_usage])
        builder = builder.add_extension(eku, False)
    return builder.sign(issuer_key.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def build_crl(profile: CrlProfile, issuer_key: P256SigningKey) -> bytes:
    """DER."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(profile.issuer)
        .last_update(profile.this_update)
        .next_update(profile.next_update)
        .add_extension(x509.CRLNumber(profile.number), False)
        .add_extension(_aki(profile.issuer_spki_der), False)
    )
    for entry in profile.revoked:
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
            .add_extension(x509.CRLReason(_REASONS[entry.reason]), False)
            .build()
        )
        builder = builder.add_revoked_certificate(revoked)
    return builder.sign(issuer_key.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
