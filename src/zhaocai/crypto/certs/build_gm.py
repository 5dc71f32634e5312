"""Certificates and CRLs for the `gm` suite: encoded with asn1crypto and signed with SM2 over the TBS bytes
(SM2-with-SM3, OID 1.2.156.10197.1.501, no parameters; default distinguishing id), per reference/sm2-notes.md.
`cryptography` can parse the result but cannot sign or verify SM2, hence this separate encoder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509

from zhaocai.crypto.certs.profile import CertificateProfile, CrlProfile, key_identifier
from zhaocai.crypto.suites.gm import SM2_WITH_SM3_OID, Sm2SigningKey

_SIGNATURE_ALGORITHM = {"algorithm": SM2_WITH_SM3_OID}
_EXTENDED_KEY_USAGE_NAMES = {"1.3.6.1.5.5.7.3.2": "client_auth", "1.3.6.1.5.5.7.3.4": "email_protection"}
_REASONS = {
    "unspecified": "unspecified",
    "keyCompromise": "key_compromise",
    "cACompromise": "ca_compromise",
    "affiliationChanged": "affiliation_changed",
    "superseded": "superseded",
    "cessationOfOperation": "cessation_of_operation",
    "certificateHold": "certificate_hold",
    "privilegeWithdrawn": "privilege_withdrawn",
    "aACompromise": "aa_compromise",
}


def _time(when: datetime) -> asn1_x509.Time:
    """UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), whole seconds."""
    when = when.astimezone(UTC).replace(microsecond=0)
    return asn1_x509.Time({"utc_time" if when.year < 2050 else "general_time": when})


def _name(name: x509.Name) -> asn1_x509.Name:
    return asn1_x509.Name.load(name.public_bytes())


def _extension(extn_id: str, value: Any, *, critical: bool = False) -> dict[str, Any]:
    return {"extn_id": extn_id, "critical": critical, "extn_value": value}


def _basic_constraints(profile: CertificateProfile) -> dict[str, Any]:
    if not profile.is_ca:
        return {"ca": False}  # asn1crypto crashes on an empty dict (sm2-notes trap 6)
    if profile.path_length is None:
        return {"ca": True}
    return {"ca": True, "path_len_constraint": profile.path_length}


def build_certificate(profile: CertificateProfile, issuer_key: Sm2SigningKey) -> bytes:
    """DER."""
    extensions = [
        _extension(
            "basic_constraints",
            _basic_constraints(profile),
            critical=True,
        ),
        _extension("key_usage", set(profile.key_usage), critical=True),
        _extension("key_identifier", key_identifier(profile.subject_spki_der)),
        _extension("authority_key_identifier", {"key_identifier": key_identifier(profile.issuer_spki_der)}),
    ]
    if profile.extended_key_usage:
        purposes = [_EXTENDED_KEY_USAGE_NAMES.get(oid, oid) for oid in profile.extended_key_usage]
        extensions.append(_extension("extended_key_usage", purposes))
    tbs = asn1_x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": profile.serial,
            "signature": _SIGNATURE_ALGORITHM,
            "issuer": _name(profile.issuer),
            "validity": {"not_before": _time(profile.not_before), "not_after": _time(profile.not_after)},
            "subject": _name(profile.subject),
            "subject_public_key_info": asn1_keys.PublicKeyInfo.load(profile.subject_spki_der),
            "extensions": extensions,
        }
    )
    signature = issuer_key.sign(tbs.dump())
    return asn1_x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": _SIGNATURE_ALGORITHM, "signature_value": signature}
    ).dump()


def build_crl(profile: CrlProfile, issuer_key: Sm2SigningKey) -> bytes:
    """DER."""
    fields: dict[str, Any] = {
        "version": "v2",
        "signature": _SIGNATURE_ALGORITHM,
        "issuer": _name(profile.issuer),
        "this_update": _time(profile.this_update),
        "next_update": _time(profile.next_update),
        "crl_extensions": [
            _extension("crl_number", profile.number),
            _extension("authority_key_identifier", {"key_identifier": key_identifier(profile.issuer_spki_der)}),
        ],
    }
    if profile.revoked:  # RFC 5280 5.1.2.6: absent, not empty, when nothing is revoked
        fields["revoked_certificates"] = [
            {
                "user_certificate": entry.serial,
                "revocation_date": _time(entry.revoked_at),
                "crl_entry_extensions": [_extension("crl_reason", _REASONS[entry.reason])],
            }
            for entry in profile.revoked
        ]
    tbs = asn1_crl.TbsCertList(fields)
    signature = issuer_key.sign(tbs.dump())
    return asn1_crl.CertificateList(
        {"tbs_cert_list": tbs, "signature_algorithm": _SIGNATURE_ALGORITHM, "signature": signature}
    ).dump()
