"""The trust store: which CAs' certificates this platform accepts (several at once — CA mutual recognition, 互认),
and the check of a holder's certificate, and of a signature made with it, at a given time.

Loaded from a directory of PEM (or DER) files: self-signed CA certificates are trust anchors, other CA
certificates are intermediates (trusted only through a chain to an anchor), CRLs are checked against their issuer's
key when loaded. Both suites go through the same chain walk; links are checked with `cryptography` (std, and any
non-SM2 signature) or with SM2 over the TBS bytes (gm). See docs/crypto.md for the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zhaocai.crypto import keys
from zhaocai.crypto.certs.errors import (
    BadCertificateSignature,
    BadSignature,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRejected,
    CertificateRevoked,
    InvalidCA,
    MalformedCertificate,
    RevocationUnknown,
    UnsupportedKey,
    UntrustedCA,
    WrongKeyUsage,
    WrongSuite,
)
from zhaocai.crypto.certs.names import attribute, credit_code_of
from zhaocai.crypto.certs.parsed import ParsedCertificate, ParsedCrl
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.certs.profile import ACCEPTED_KEY_USAGE, USAGES, Usage
from zhaocai.crypto.ports import InvalidSignatureError, VerifyingKey

__all__ = [
    "BadCertificateSignature",
    "BadSignature",
    "CertificateExpired",
    "CertificateNotYetValid",
    "CertificateRejected",
    "CertificateRevoked",
    "InvalidCA",
    "MalformedCertificate",
    "RevocationUnknown",
    "TrustStore",
    "TrustStoreError",
    "UnsupportedKey",
    "UntrustedCA",
    "VerifiedCertificate",
    "WrongKeyUsage",
    "WrongSuite",
]

MAX_CHAIN_LENGTH = 6
_SUITE_OF_KEY = {keys.SM2: "gm", keys.ECDSA_P256: "std"}
# revoked for reasons that make everything the key ever signed suspect, whatever the revocation date
_COMPROMISE_REASONS = frozenset({"keyCompromise", "cACompromise", "aACompromise"})
# a certificate whose extended key usages are all among these was made for a machine, not for a person or company
_MACHINE_ONLY_PURPOSES = frozenset(
    {
        ExtendedKeyUsageOID.SERVER_AUTH,
        ExtendedKeyUsageOID.CODE_SIGNING,
        ExtendedKeyUsageOID.TIME_STAMPING,
        ExtendedKeyUsageOID.OCSP_SIGNING,
    }
)
_USAGE_WORD = {"sign": " signing", "encrypt": "n encryption"}
_FILE_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".crl", ".der"})


class TrustStoreError(Exception):
    """The trust directory holds something that cannot be trusted as given (a bad CRL, a non-CA certificate...)."""


@dataclass(frozen=True)
class VerifiedCertificate:
    subject: str  # RFC 4514
    common_name: str | None
    organization: str | None
    credit_code: str | None  # 统一社会信用代码, when the subject carries a valid one
    serial: int
    issuer: str
    suite: str  # "gm" | "std"
    usage: Usage
    public_key: VerifyingKey
    not_before: datetime
    not_after: datetime
    fingerprint: str  # SHA-256 of the DER, hex
    certificate_der: bytes
    chain: tuple[str, ...]  # subjects from the issuer up to the trust anchor
    revocation_checked: bool  # False when no CRL of the issuer was at hand (and CRLs are not required)


def _describe(certificate: ParsedCertificate) -> str:
    return f"'{certificate.subject_text}' (serial {certificate.serial})"


class TrustStore:
    def __init__(
        self,
        *,
        certificates: Iterable[bytes] = (),
        crls: Iterable[bytes] = (),
        require_crl: bool = False,
        crl_grace: timedelta = timedelta(0),
    ) -> None:
        """`certificates`: CA certificates, PEM or DER; self-signed ones become trust anchors, others intermediates.
        `require_crl`: refuse a certificate whose issuer has no CRL here. `crl_grace`: how long past its nextUpdate
        a CRL is still used; after that, certificates of that issuer are refused until a fresh CRL is loaded."""
        self.require_crl = require_crl
        self.crl_grace = crl_grace
        self._anchors: list[ParsedCertificate] = []
        self._intermediates: list[ParsedCertificate] = []
        self._crls: dict[str, ParsedCrl] = {}  # by issuer certificate fingerprint
        for data in certificates:
            self._add_ca(_parse_ca(data))
        for data in crls:
            self._add_crl(data)

    @classmethod
    def load(cls, directory: Path, **policy: Any) -> TrustStore:
        """Every *.pem/*.crt/*.cer/*.crl/*.der file in `directory`; an absent directory gives an empty store."""
        certificates: list[bytes] = []
        crls: list[bytes] = []
        if not directory.is_dir():
            return cls(**policy)
        for path in sorted(path for path in directory.iterdir() if path.suffix.lower() in _FILE_SUFFIXES):
            data = path.read_bytes()
            blocks = pem_blocks(data) if b"-----BEGIN" in data else [("DER", data)]
            for label, der in blocks:
                if label == "CERTIFICATE":
                    certificates.append(der)
                elif label == "X509 CRL":
                    crls.append(der)
                elif label == "DER":
                    (crls if path.suffix.lower() == ".crl" else certificates).append(der)
                else:
                    raise TrustStoreError(f"{path}: unexpected PEM block {label!r} in a trust directory")
        return cls(certificates=certificates, crls=crls, **policy)

    def anchors(self) -> list[dict[str, Any]]:
        return [
            {
                "subject": anchor.subject_text,
                "suite": _SUITE_OF_KEY.get(anchor.key_algorithm or "", "std"),
                "fingerprint": anchor.fingerprint,
                "not_after": anchor.not_after.isoformat(),
                "crl_next_update": crl.next_update.isoformat()
                if (crl := self._crls.get(anchor.fingerprint)) and crl.next_update
                else None,
            }
            for anchor in self._anchors
        ]

    def verify(
        self,
        certificate: bytes | ParsedCertificate,
        *,
        at: datetime,
        usage: Usage,
        suite: str | None = None,
        intermediates: Sequence[bytes] = (),
    ) -> VerifiedCertificate:
        """Check that `certificate` (PEM or DER) was issued through a trusted CA, valid at `at`, not revoked, and
        made for `usage`; raise a CertificateRejected subclass naming the reason otherwise."""
        if at.tzinfo is None:
            raise ValueError("`at` must be timezone-aware")
        if usage not in USAGES:
            raise ValueError(f"usage must be one of {USAGES}")
        leaf = certificate if isinstance(certificate, ParsedCertificate) else _parse(certificate, "certificate")
        key_suite = _SUITE_OF_KEY.get(leaf.key_algorithm or "")
        if key_suite is None:
            raise UnsupportedKey(f"certificate {_describe(leaf)} has a key that is neither SM2 nor ECDSA P-256")
        if suite is not None and key_suite != suite:
            raise WrongSuite(f"certificate {_describe(leaf)} is a {key_suite} certificate; this needs {suite}")
        if leaf.is_ca:
            raise WrongKeyUsage(f"certificate {_describe(leaf)} is a CA certificate, not a holder's")
        chain = self._chain(leaf, [_parse(data, "intermediate certificate") for data in intermediates])
        for position, member in enumerate(chain):
            _check_validity(member, at)
            _check_extensions(member)
            if position:
                _check_ca(member, intermediates_below=position - 1)
        _check_usage(leaf, usage)
        revocation_checked = all(self._check_revocation(chain[i], chain[i + 1], at) for i in range(len(chain) - 1))
        return VerifiedCertificate(
            subject=leaf.subject_text,
            common_name=attribute(leaf.subject, NameOID.COMMON_NAME),
            organization=attribute(leaf.subject, NameOID.ORGANIZATION_NAME),
            credit_code=credit_code_of(leaf.subject),
            serial=leaf.serial,
            issuer=leaf.issuer_text,
            suite=key_suite,
            usage=usage,
            public_key=leaf.verifying_key,
            not_before=leaf.not_before,
            not_after=leaf.not_after,
            fingerprint=leaf.fingerprint,
            certificate_der=leaf.der,
            chain=tuple(member.subject_text for member in chain[1:]),
            revocation_checked=revocation_checked,
        )

    def verify_signature(
        self,
        certificate: bytes | ParsedCertificate,
        data: bytes,
        signature: bytes,
        *,
        at: datetime,
        suite: str | None = None,
        intermediates: Sequence[bytes] = (),
    ) -> VerifiedCertificate:
        """`verify(certificate, usage="sign")`, then check that `signature` over `data` was made with its key."""
        verified = self.verify(certificate, at=at, usage="sign", suite=suite, intermediates=intermediates)
        try:
            verified.public_key.verify(signature, data)
        except InvalidSignatureError as exc:
            raise BadSignature(
                f"the signature was not made with the key of certificate '{verified.subject}' "
                f"(serial {verified.serial})"
            ) from exc
        return verified

    # building the store

    def _add_ca(self, certificate: ParsedCertificate) -> None:
        if any(known.fingerprint == certificate.fingerprint for known in self._anchors + self._intermediates):
            return
        if certificate.is_self_issued:
            if not certificate.is_signed_by(certificate):
                raise TrustStoreError(f"CA certificate {_describe(certificate)}: self-signature does not verify")
            self._anchors.append(certificate)
        else:
            self._intermediates.append(certificate)

    def _add_crl(self, data: bytes) -> None:
        try:
            crl = ParsedCrl.from_bytes(data)
        except ValueError as exc:
            raise TrustStoreError(str(exc)) from exc
        issuer = next((ca for ca in self._anchors + self._intermediates if crl.is_signed_by(ca)), None)
        if issuer is None:
            raise TrustStoreError(
                f"CRL of '{crl.x509.issuer.rfc4514_string()}' (number {crl.number}) is not signed by any CA "
                "in the trust store"
            )
        known = self._crls.get(issuer.fingerprint)
        if known is None or (crl.number or 0, crl.this_update) > (known.number or 0, known.this_update):
            self._crls[issuer.fingerprint] = crl

    # checking a certificate

    def _chain(self, leaf: ParsedCertificate, extra: list[ParsedCertificate]) -> list[ParsedCertificate]:
        anchors = {anchor.fingerprint for anchor in self._anchors}
        pool = self._anchors + self._intermediates + extra
        chain = [leaf]
        while len(chain) <= MAX_CHAIN_LENGTH:
            current = chain[-1]
            seen = {member.fingerprint for member in chain}
            candidates = [ca for ca in pool if ca.fingerprint not in seen and current.may_be_issued_by(ca)]
            if not candidates:
                raise UntrustedCA(
                    f"'{current.issuer_text}', the issuer of {_describe(current)}, is not a CA this platform trusts"
                )
            candidates.sort(key=lambda ca: ca.fingerprint not in anchors)
            issuer = next((ca for ca in candidates if current.is_signed_by(ca)), None)
            if issuer is None:
                raise BadCertificateSignature(
                    f"certificate {_describe(current)} is not validly signed by the CA '{current.issuer_text}'"
                )
            chain.append(issuer)
            if issuer.fingerprint in anchors:
                return chain
        raise UntrustedCA(f"no chain of at most {MAX_CHAIN_LENGTH} CAs leads from {_describe(leaf)} to a trusted CA")

    def _check_revocation(self, certificate: ParsedCertificate, issuer: ParsedCertificate, at: datetime) -> bool:
        crl = self._crls.get(issuer.fingerprint)
        if crl is None:
            if self.require_crl:
                raise RevocationUnknown(
                    f"no CRL of '{issuer.subject_text}' is loaded, so {_describe(certificate)} cannot be checked"
                )
            return False
        if crl.next_update is not None and at > crl.next_update + self.crl_grace:
            raise RevocationUnknown(
                f"the CRL of '{issuer.subject_text}' is stale (next update was due {crl.next_update.isoformat()}); "
                "load a fresh CRL into the trust directory"
            )
        revocation = crl.revocation(certificate.serial)
        if revocation is not None and (revocation.revoked_at <= at or revocation.reason in _COMPROMISE_REASONS):
            raise CertificateRevoked(
                f"certificate {_describe(certificate)} was revoked by '{issuer.subject_text}' on "
                f"{revocation.revoked_at.isoformat()} (reason: {revocation.reason or 'unspecified'})",
                detail={"revoked_at": revocation.revoked_at.isoformat(), "reason": revocation.reason},
            )
        return True


def _parse(data: bytes, what: str) -> ParsedCertificate:
    try:
        return ParsedCertificate.from_bytes(data)
    except ValueError as exc:
        raise MalformedCertificate(f"the {what} cannot be read: {exc}") from exc


def _parse_ca(data: bytes) -> ParsedCertificate:
    try:
        certificate = ParsedCertificate.from_bytes(data)
    except ValueError as exc:
        raise TrustStoreError(str(exc)) from exc
    if not certificate.is_ca:
        raise TrustStoreError(f"{_describe(certificate)} is not a CA certificate and cannot be trusted as one")
    return certificate


def _check_validity(certificate: ParsedCertificate, at: datetime) -> None:
    if at < certificate.not_before:
        raise CertificateNotYetValid(
            f"certificate {_describe(certificate)} is valid only from {certificate.not_before.isoformat()} "
            f"(checked at {at.isoformat()})"
        )
    if at > certificate.not_after:
        raise CertificateExpired(
            f"certificate {_describe(certificate)} expired on {certificate.not_after.isoformat()} "
            f"(checked at {at.isoformat()})"
        )


def _check_extensions(certificate: ParsedCertificate) -> None:
    if certificate.unknown_critical_extensions:
        raise MalformedCertificate(
            f"certificate {_describe(certificate)} has critical extensions this platform does not understand: "
            + ", ".join(certificate.unknown_critical_extensions)
        )


def _check_ca(certificate: ParsedCertificate, *, intermediates_below: int) -> None:
    if not certificate.is_ca:
        raise InvalidCA(f"{_describe(certificate)} issued a certificate but is not a CA (basicConstraints)")
    if certificate.key_usage is not None and "key_cert_sign" not in certificate.key_usage:
        raise InvalidCA(f"CA {_describe(certificate)} may not sign certificates (keyUsage lacks keyCertSign)")
    if certificate.path_length is not None and intermediates_below > certificate.path_length:
        raise InvalidCA(f"CA {_describe(certificate)} allows {certificate.path_length} intermediate CAs below it")


def _check_usage(leaf: ParsedCertificate, usage: Usage) -> None:
    accepted = ACCEPTED_KEY_USAGE[usage]
    if leaf.key_usage is None or not leaf.key_usage & accepted:
        has = ", ".join(sorted(leaf.key_usage or ())) or "no keyUsage extension"
        raise WrongKeyUsage(
            f"certificate {_describe(leaf)} is not a{_USAGE_WORD[usage]} certificate: keyUsage needs one of "
            f"{', '.join(sorted(accepted))}; has {has}"
        )
    try:
        purposes = set(leaf.x509.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return
    if purposes and purposes <= _MACHINE_ONLY_PURPOSES:
        raise WrongKeyUsage(f"certificate {_describe(leaf)} is for servers or software (extendedKeyUsage), not holders")
