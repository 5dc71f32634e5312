"""The bidding API tests' world: a trust store of several CAs per suite (and a rogue CA it does not trust), tenders
opened through the tendering use cases, bidders registered and verified through the identity use cases — each with
an API token and, per suite, signing and encryption certificates naming its 统一社会信用代码 — and helpers to seal
and submit envelopes over HTTP."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.bidder import Credentials
from zhaocai.bootstrap import Container
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.core.clock import FixedClock
from zhaocai.crypto import keys
from zhaocai.crypto.ca import CertificateAuthority, IssuedCertificate
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.suites import SUITE_NAMES, get_suite
from zhaocai.crypto.trust import TrustStore
from zhaocai.identity import repository as identity_repository
from zhaocai.identity.api_tokens import do_create_api_token
from zhaocai.identity.env import ENV_KEY, env_from_settings, identity_env
from zhaocai.identity.passwords import CHEAP
from zhaocai.identity.users import do_create_user
from zhaocai.sealing import Bidder, seal
from zhaocai.tendering.scenario import OpenedTender, market_subject, open_tender

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SMALL_CHUNK = 4096
CANARY = "CANARY-4d1e8b-投标报价-绝密"
MS = timedelta(milliseconds=1)


@dataclass
class Pki:
    """Per suite: two trusted CAs (mutual recognition) and a rogue one."""

    cas: dict[str, list[CertificateAuthority]]
    rogue: dict[str, CertificateAuthority]


def make_pki(base: Any) -> Pki:
    clock = FixedClock(T0 - timedelta(days=10))

    def ca(name: str, suite: str) -> CertificateAuthority:
        return CertificateAuthority.init(
            base / f"{name}-{suite}", name=f"{name} {suite}", suite=suite, passphrase=b"t", clock=clock, scrypt_n=16
        )

    return Pki(
        cas={suite: [ca("招采测试CA甲", suite), ca("互认CA乙", suite)] for suite in SUITE_NAMES},
        rogue={suite: ca("Rogue CA", suite) for suite in SUITE_NAMES},
    )


def _der(pem: bytes) -> bytes:
    return pem_blocks(pem)[0][1]


@dataclass
class Party:
    """A verified bidder organisation with an API token and per-suite certificates."""

    world: World
    username: str
    actor: Actor
    org_id: str
    credit_code: str
    token: str
    credentials: dict[str, Credentials] = field(default_factory=dict)
    signer: dict[str, IssuedCertificate] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def seal(
        self,
        tender: OpenedTender | None,
        lot_id: str | None = None,
        *,
        suite: str | None = None,
        version: int = 1,
        sections: dict[str, bytes] | None = None,
        backup: bool = False,
        credentials: Credentials | None = None,
        bidder: Bidder | None = None,
        **overrides: Any,
    ) -> bytes:
        suite = suite or self.world.suite
        creds = credentials or self.credentials[suite]
        out = io.BytesIO()
        arguments: dict[str, Any] = {
            "suite": suite,
            "tender_id": tender.tender_id if tender else "T",
            "lot_id": lot_id or (tender.lot_ids[0] if tender else "L"),
            "bidder": bidder or Bidder.organisation(self.credit_code),
            "bid_version": version,
            "signing_key": creds.signing_key,
            "signer_certificate": creds.signer_certificate,
            "encryption_certificate": creds.encryption_certificate,
            "backup_key": self.world.backup_public[suite] if backup else None,
            "chunk_size": SMALL_CHUNK,
        } | overrides
        payload = sections or {"whole": f"{self.username} bid {CANARY}".encode() * 20}
        seal(out, {name: io.BytesIO(data) for name, data in payload.items()}, **arguments)
        return out.getvalue()

    def submit(self, lot_id: str, envelope: bytes, *, key: str | None = None, client: TestClient | None = None):  # type: ignore[no-untyped-def]
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        return (client or self.world.client).post(f"/api/v1/lots/{lot_id}/bids", content=envelope, headers=headers)

    def get(self, url: str):  # type: ignore[no-untyped-def]
        return self.world.client.get(url, headers=self.headers)


@dataclass(frozen=True)
class ExpertUser:
    actor: Actor
    headers: dict[str, str]
    signing_key: Any
    certificate_pem: bytes
    fingerprint: str


@dataclass
class World:
    container: Container
    client: TestClient
    clock: FixedClock
    pki: Pki
    suite: str = "gm"
    revoked: dict[str, list[bytes]] = field(default_factory=dict)
    backup_public: dict[str, bytes] = field(default_factory=dict)
    _tenderer: Actor | None = None
    _count: int = 0

    def __post_init__(self) -> None:
        for suite in SUITE_NAMES:
            backup = get_suite(suite).generate_signing_key()
            self.backup_public[suite] = backup.public_key().spki_der()
        self.refresh_trust()

    def refresh_trust(self) -> None:
        """(Re)build the trust store: both CAs of each suite with their current CRLs (after a revocation)."""
        trust = TrustStore(
            certificates=[ca.certificate_pem for cas in self.pki.cas.values() for ca in cas],
            crls=[ca.crl(days=90) for cas in self.pki.cas.values() for ca in cas],
        )
        self.container.extras[ENV_KEY] = env_from_settings(self.container.settings, trust=trust, hashing=CHEAP)

    @property
    def tenderer(self) -> Actor:
        if self._tenderer is None:
            self._tenderer = market_subject(self.container, kind="tenderer", username="tenderer")
        return self._tenderer

    def tender(self, **options: Any) -> OpenedTender:
        return open_tender(
            self.container, tenderer_actor=self.tenderer, suite=options.pop("suite", self.suite), **options
        )

    def bidder(self, username: str, *, legal_representative: str | None = None, ca_index: int = 0) -> Party:
        """Each bidder has its own legal representative unless told otherwise (条例34 voids shared ones)."""
        actor = market_subject(
            self.container,
            kind="bidder",
            username=username,
            legal_representative=legal_representative or f"{username}法人",
        )
        with self.container.engine.connect() as conn:
            org = identity_repository.get_organisation(conn, actor.org_id or "")
        assert org is not None
        token = do_create_api_token(
            uow=self.container.uow(), actor=actor, env=identity_env(self.container), name="投标工具"
        ).token
        party = Party(self, username, actor, org.id, org.credit_code, token)
        for suite in SUITE_NAMES:
            party.credentials[suite], party.signer[suite] = self.credentials(
                self.pki.cas[suite][ca_index], org.credit_code
            )
        return party

    def credentials(
        self, ca: CertificateAuthority, credit_code: str, **issue: Any
    ) -> tuple[Credentials, IssuedCertificate]:
        subject = "CN=投标专用,O=投标人,C=CN"
        signer = ca.issue(subject=subject, usage=issue.pop("usage", "sign"), credit_code=credit_code, **issue)
        encrypter = ca.issue(subject=subject, usage="encrypt", credit_code=credit_code)
        assert signer.private_key_pem and encrypter.private_key_pem
        credentials = Credentials(
            signing_key=keys.load_private_key(_der(signer.private_key_pem)),
            signer_certificate=signer.certificate_pem,
            encryption_certificate=encrypter.certificate_pem,
            encryption_key=_der(encrypter.private_key_pem),
        )
        return credentials, signer

    def staff(self, username: str, role: str) -> dict[str, str]:
        """Platform staff with an API token (the token carries the user's roles)."""
        return self._token_headers(self._user(username, username, role))

    def _user(self, username: str, display_name: str, role: str) -> Actor:
        created = do_create_user(
            uow=self.container.uow(),
            actor=SYSTEM,
            env=identity_env(self.container),
            org_id=None,
            username=username,
            display_name=display_name,
            email=f"{username}@example.com",
            roles=frozenset({role}),
            password="Correct-Horse-7",
        )
        with self.container.engine.connect() as conn:
            user = identity_repository.get_user(conn, created.user_id)
        from zhaocai.identity.sessions import actor_for

        return actor_for(user, ip="127.0.0.1", auth_method="password")  # type: ignore[arg-type]

    def expert_user(self, username: str, display_name: str) -> ExpertUser:
        """A user with the role expert and a signing certificate of the tender suite's CA, registered by proving
        possession of its key (as an expert does before signing reports)."""
        from zhaocai.identity.certificates import do_issue_certificate_challenge, do_register_certificate

        actor = self._user(username, display_name, "expert")
        issued = self.pki.cas[self.suite][0].issue(subject=f"CN={display_name},O=评标专家,C=CN", usage="sign")
        assert issued.private_key_pem is not None
        key = keys.load_private_key(pem_blocks(issued.private_key_pem)[0][1])
        env = identity_env(self.container)
        challenge = do_issue_certificate_challenge(uow=self.container.uow(), actor=actor, env=env)
        registered = do_register_certificate(
            uow=self.container.uow(),
            actor=actor,
            env=env,
            challenge_id=challenge.challenge_id,
            certificate=issued.certificate_pem,
            signature=key.sign(challenge.message),
        )
        headers = self._token_headers(actor)
        return ExpertUser(actor, headers, key, issued.certificate_pem, registered.facts.fingerprint_sha256)

    def tenderer_headers(self) -> dict[str, str]:
        return self._token_headers(self.tenderer)

    def _token_headers(self, actor: Actor) -> dict[str, str]:
        from zhaocai.identity.api_tokens import do_create_api_token as mint

        token = mint(uow=self.container.uow(), actor=actor, env=identity_env(self.container), name="t").token
        return {"Authorization": f"Bearer {token}"}

    def outcomes(self, action: str) -> list[str]:
        query = select(audit_entries.c.outcome).where(audit_entries.c.action == action).order_by(audit_entries.c.id)
        with self.container.engine.connect() as conn:
            return list(conn.execute(query).scalars())
