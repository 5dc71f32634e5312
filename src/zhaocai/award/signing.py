"""Checking a party's detached signature (over a notice PDF or the contract document) against the trust store, the
tender's suite, and the organisation the party must be."""

from __future__ import annotations

from datetime import datetime

from zhaocai.core.errors import Forbidden, ValidationFailed
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.trust import CertificateRejected, TrustStore, VerifiedCertificate
from zhaocai.identity.model import Organisation


def certificate_der(certificate: bytes) -> bytes:
    if b"-----BEGIN" in certificate:
        blocks = [der for label, der in pem_blocks(certificate) if label == "CERTIFICATE"]
        if not blocks:
            raise ValidationFailed("no certificate in the PEM given", field="certificate")
        return blocks[0]
    return certificate


def verify_party_signature(
    trust: TrustStore | None,
    *,
    certificate: bytes,
    data: bytes,
    signature: bytes,
    suite: str,
    at: datetime,
    party: Organisation,
    role: str,
) -> VerifiedCertificate:
    """The certificate chains to a trusted CA, is valid for signing at `at`, belongs to the tender's suite, names
    `party`'s 统一社会信用代码, and made `signature` over `data`. Refusals name the field and the reason."""
    if trust is None:
        raise ValidationFailed("this platform trusts no CA yet", field="certificate", code="untrusted_ca")
    try:
        verified = trust.verify_signature(certificate_der(certificate), data, signature, at=at, suite=suite)
    except CertificateRejected as exc:
        field = "signature" if exc.code == "bad_signature" else "certificate"
        raise ValidationFailed(
            f"the {role}'s signature is refused: {exc.message}", field=field, code=exc.code, detail=exc.detail
        ) from exc
    if verified.credit_code != party.credit_code:
        raise Forbidden(
            f"the certificate '{verified.subject}' does not belong to the {role} {party.name} "
            f"(统一社会信用代码 {party.credit_code}): it names {verified.credit_code or 'no organisation'}",
            field="certificate",
            code="wrong_signer",
        )
    return verified
