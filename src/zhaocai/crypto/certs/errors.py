"""Why a certificate (or a signature by its holder) was refused. Each error's message names the reason in words;
its `code` names it for machines. All are 401 NotAuthenticated: the holder is not who the certificate says, or the
certificate does not vouch for this use."""

from __future__ import annotations

from typing import Any

from zhaocai.core.errors import NotAuthenticated


class CertificateRejected(NotAuthenticated):
    code = "certificate_rejected"
    field_name = "certificate"

    def __init__(self, message: str, *, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message, field=self.field_name, detail=detail)


class MalformedCertificate(CertificateRejected):
    code = "malformed_certificate"


class UntrustedCA(CertificateRejected):
    code = "untrusted_ca"


class BadCertificateSignature(CertificateRejected):
    code = "bad_certificate_signature"


class InvalidCA(CertificateRejected):
    code = "invalid_ca"


class CertificateExpired(CertificateRejected):
    code = "certificate_expired"


class CertificateNotYetValid(CertificateRejected):
    code = "certificate_not_yet_valid"


class CertificateRevoked(CertificateRejected):
    code = "certificate_revoked"


class RevocationUnknown(CertificateRejected):
    """No CRL for the issuer (when CRLs are required), or only a stale one."""

    code = "revocation_unknown"


class WrongKeyUsage(CertificateRejected):
    code = "wrong_key_usage"


class UnsupportedKey(CertificateRejected):
    code = "unsupported_key"


class WrongSuite(CertificateRejected):
    code = "wrong_suite"


class BadSignature(CertificateRejected):
    """The certificate is fine, but the signature over the data is not its holder's."""

    code = "bad_signature"
    field_name = "signature"
