"""Helpers for the identity API tests: test PKI for both suites, people made through the use cases, HTTP clients
that hold one login each, and audit-entry lookups."""

from __future__ import annotations

import base64
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit
from zhaocai.crypto import keys
from zhaocai.crypto.ca import CertificateAuthority, IssuedCertificate
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.identity.service import do_create_user, identity_env
from zhaocai.identity.totp import decode_secret, totp

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # the `clock` fixture's start
SYSTEM = Actor(roles=frozenset({"system"}), auth_method="cli")
PASSWORD = "Correct-Horse-7"
_ALGORITHM = {"gm": keys.SM2, "std": keys.ECDSA_P256}


def credit_code(body: str, region: str = "110108") -> str:
    return make_credit_code(f"91{region}{body}{organization_check_digit(body)}")


def registration(body: str, username: str, kinds: tuple[str, ...] = ("bidder",), **changes: object) -> dict:
    data = {
        "name": f"{username} 建设有限公司",
        "credit_code": credit_code(body),
        "legal_representative": "王五",
        "contact_name": "李四",
        "contact_phone": "13800138000",
        "contact_email": f"{username}@example.com",
        "region_code": "110108",
        "kinds": list(kinds),
        "administrator": {
            "username": username,
            "display_name": username,
            "email": f"{username}@example.com",
            "password": PASSWORD,
        },
    }
    data.update(changes)
    return data


@dataclass
class SuitePki:
    suite: str
    ca: CertificateAuthority
    rogue: CertificateAuthority  # not in the trust store
    good: IssuedCertificate
    revoked: IssuedCertificate
    untrusted: IssuedCertificate
    other_company: IssuedCertificate  # names another organisation's credit code in its subject
    acme_company: IssuedCertificate  # names the credit code of registration("MA01AAAA", ...)
    crl: bytes


def make_pki(base: Path, suite: str) -> SuitePki:
    from zhaocai.core.clock import FixedClock

    clock = FixedClock(T0 - timedelta(days=1))

    def ca(name: str) -> CertificateAuthority:
        return CertificateAuthority.init(
            base / name, name=f"{name} {suite}", suite=suite, passphrase=b"test", clock=clock, scrypt_n=2**10
        )

    trusted, rogue = ca("招采测试CA"), ca("Rogue CA")
    subject = "CN=张三,O=某某建设有限公司,C=CN"
    good = trusted.issue(subject=subject, usage="sign", days=30)
    revoked = trusted.issue(subject=subject, usage="sign", days=30)
    trusted.revoke(revoked.serial, reason="keyCompromise")
    untrusted = rogue.issue(subject=subject, usage="sign", days=30)
    other_company = trusted.issue(subject=subject, usage="sign", days=30, credit_code=credit_code("MA09XXXX"))
    acme_company = trusted.issue(subject=subject, usage="sign", days=30, credit_code=credit_code("MA01AAAA"))
    return SuitePki(suite, trusted, rogue, good, revoked, untrusted, other_company, acme_company, trusted.crl(days=30))


def sign(issued: IssuedCertificate, suite: str, message: bytes) -> str:
    [(_, der)] = pem_blocks(issued.private_key_pem)
    return base64.b64encode(keys.load_signing_key(_ALGORITHM[suite], der).sign(message)).decode()


def outcomes(container, action: str | None = None) -> list[str]:
    query = select(audit_entries.c.outcome).order_by(audit_entries.c.id)
    if action:
        query = query.where(audit_entries.c.action == action)
    with container.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def last_entry(container) -> dict:
    with container.engine.connect() as conn:
        return dict(conn.execute(select(audit_entries).order_by(audit_entries.c.id.desc()).limit(1)).mappings().one())


class Browser:
    """One user's HTTP client: keeps its session cookie and sends its CSRF token."""

    def __init__(self, app, clock) -> None:
        self.http = TestClient(app, base_url="http://testserver")
        self.clock = clock
        self.csrf: str | None = None
        self.totp_secret: str | None = None

    def login(self, username: str, password: str = PASSWORD, *, totp_secret: str | None = None):
        body = {"username": username, "password": password}
        if totp_secret:
            body["totp_code"] = totp(decode_secret(totp_secret), self.clock.now())
        response = self.http.post("/api/v1/auth/login", json=body)
        if response.status_code == 200:
            self.csrf = response.json()["csrf_token"]
            self.http.headers["X-CSRF-Token"] = self.csrf
        return response

    def get(self, url: str, **kw):
        return self.http.get(url, **kw)

    def post(self, url: str, **kw):
        return self.http.post(url, **kw)

    def delete(self, url: str, **kw):
        return self.http.delete(url, **kw)


def staff(container, username: str, role: str | None) -> str | None:
    """Create a platform-staff account through the use case; returns its TOTP secret for second-factor roles."""
    created = do_create_user(
        uow=container.uow(),
        actor=SYSTEM,
        env=identity_env(container),
        org_id=None,
        username=username,
        display_name=username,
        email=f"{username}@example.com",
        roles=frozenset({role}) if role else frozenset(),
        password=PASSWORD,
    )
    return created.totp_secret
