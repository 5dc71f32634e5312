"""A small PKI per suite for the certificate tests: two recognised CAs, a rogue one, a rogue one with a trusted CA's
name, and holders' certificates in every state (valid, encryption, revoked two ways, short-lived)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from zhaocai.core.clock import FixedClock
from zhaocai.crypto.ca import CertificateAuthority, IssuedCertificate
from zhaocai.crypto.trust import TrustStore

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # "now" in the certificate tests
REVOKED_AT = T0 + timedelta(days=10)  # when the CA revokes, and signs its CRL
CREDIT_CODE = "91110108100000008B"  # fictitious, valid per GB 32100
CA_PASSPHRASE = b"correct horse battery staple"


@dataclass
class Pki:
    suite: str
    directory: Path
    ca: CertificateAuthority
    other_ca: CertificateAuthority  # a second recognised CA (mutual recognition)
    rogue_ca: CertificateAuthority  # not trusted
    twin_ca: CertificateAuthority  # not trusted, but has the same name as `ca`
    signer: IssuedCertificate  # sign, from `ca`, carries the credit code
    other_signer: IssuedCertificate  # sign, from `other_ca`
    encrypter: IssuedCertificate  # encrypt, from `ca`
    compromised: IssuedCertificate  # revoked at REVOKED_AT, keyCompromise
    superseded: IssuedCertificate  # revoked at REVOKED_AT, superseded
    short_lived: IssuedCertificate  # valid T0 - 1 day .. T0 + 1 day
    rogue_signer: IssuedCertificate
    twin_signer: IssuedCertificate
    crls: list[bytes]  # of `ca` and `other_ca`, signed at REVOKED_AT, next update 7 days later

    @property
    def roots(self) -> list[bytes]:
        return [self.ca.certificate_pem, self.other_ca.certificate_pem]

    def store(self, **policy: Any) -> TrustStore:
        return TrustStore(certificates=self.roots, crls=self.crls, **policy)


def _ca(directory: Path, name: str, suite: str, clock: FixedClock) -> CertificateAuthority:
    return CertificateAuthority.init(directory, name=name, suite=suite, passphrase=CA_PASSPHRASE, clock=clock)


def build_pki(suite: str, base: Path) -> Pki:
    clock = FixedClock(T0 - timedelta(days=1))
    ca = _ca(base / "ca", f"招采测试CA {suite}", suite, clock)
    other_ca = _ca(base / "other", f"互认CA {suite}", suite, clock)
    rogue_ca = _ca(base / "rogue", f"Rogue CA {suite}", suite, clock)
    twin_ca = _ca(base / "twin", f"招采测试CA {suite}", suite, clock)
    subject = "CN=张三,O=某某建设有限公司,C=CN"
    world = Pki(
        suite=suite,
        directory=base,
        ca=ca,
        other_ca=other_ca,
        rogue_ca=rogue_ca,
        twin_ca=twin_ca,
        signer=ca.issue(subject=subject, usage="sign", credit_code=CREDIT_CODE),
        other_signer=other_ca.issue(subject="CN=李四,O=另一家公司,C=CN", usage="sign"),
        encrypter=ca.issue(subject=subject, usage="encrypt"),
        compromised=ca.issue(subject="CN=王五,O=被盗公司,C=CN", usage="sign"),
        superseded=ca.issue(subject="CN=赵六,O=换证公司,C=CN", usage="sign"),
        short_lived=ca.issue(subject="CN=孙七,C=CN", usage="sign", days=2),
        rogue_signer=rogue_ca.issue(subject=subject, usage="sign"),
        twin_signer=twin_ca.issue(subject=subject, usage="sign"),
        crls=[],
    )
    clock.set(REVOKED_AT)
    ca.revoke(world.compromised.serial, reason="keyCompromise")
    ca.revoke(world.superseded.serial, reason="superseded")
    world.crls = [ca.crl(), other_ca.crl()]
    return world
