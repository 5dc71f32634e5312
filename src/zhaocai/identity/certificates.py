"""Certificates as credentials: a single-use challenge, proof of possession (the holder signs the challenge), the
trust-store check at the clock's time, and registration of a certificate to its user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from zhaocai.adapters.db.tables.identity import certificates, login_challenges
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, DomainError, Forbidden, NotAuthenticated
from zhaocai.core.ids import new_id, new_token
from zhaocai.crypto.certs.errors import UntrustedCA
from zhaocai.identity import repository
from zhaocai.identity.access import acting_user
from zhaocai.identity.env import IdentityEnv
from zhaocai.identity.model import challenge_message, is_expired
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    nonce: str
    message: bytes  # what to sign
    expires_at: datetime


@dataclass(frozen=True)
class CertificateFacts:
    serial: str  # hex, upper case
    issuer: str
    subject: str
    fingerprint_sha256: str
    suite: str
    not_before: datetime
    not_after: datetime
    der: bytes
    credit_code: str | None  # 统一社会信用代码 in the subject, when the CA put one there


@dataclass(frozen=True)
class RegisteredCertificate:
    certificate_id: str
    facts: CertificateFacts


@use_case("identity.issue_certificate_challenge", object_type="challenge")
def do_issue_certificate_challenge(*, uow: UnitOfWork, actor: Actor, env: IdentityEnv) -> Challenge:
    now = uow.clock.now()
    challenge_id, nonce = new_id(), new_token(24)
    uow.audit.object_id = challenge_id  # type: ignore[attr-defined]
    expires_at = now + timedelta(minutes=env.policy.challenge_minutes)
    repository.insert_row(
        uow.conn, login_challenges, id=challenge_id, nonce=nonce, created_at=now, expires_at=expires_at
    )
    return Challenge(challenge_id, nonce, challenge_message(env.platform_code, challenge_id, nonce), expires_at)


def _consume_challenge(uow: UnitOfWork, env: IdentityEnv, challenge_id: str, now: datetime) -> bytes:
    row = repository.get_row(uow.conn, login_challenges, challenge_id)
    if row is None or row["used_at"] is not None:
        raise NotAuthenticated(
            "unknown or already used challenge: ask for a new one", field="challenge_id", code="challenge_invalid"
        )
    repository.update_row(uow.conn, login_challenges, challenge_id, used_at=now)
    if is_expired(row["expires_at"], now):
        raise NotAuthenticated(
            "challenge expired: ask for a new one", field="challenge_id", code="challenge_expired"
        ).keeping_changes()
    return challenge_message(env.platform_code, challenge_id, row["nonce"])


def verify_possession(
    uow: UnitOfWork, env: IdentityEnv, *, challenge_id: str, certificate: bytes, signature: bytes
) -> CertificateFacts:
    """Consume the challenge; check the certificate against the trust store (chain to a trusted CA, validity and
    revocation at the clock's time, signing usage) and the signature over the challenge. A refusal is a 401 naming
    the reason (untrusted_ca, certificate_revoked, ...) and keeps the challenge consumed."""
    now = uow.clock.now()
    message = _consume_challenge(uow, env, challenge_id, now)
    if env.trust is None:
        raise UntrustedCA("this platform trusts no certificate authority").keeping_changes()
    try:
        verified = env.trust.verify_signature(certificate, message, signature, at=now)
    except DomainError as error:
        raise error.keeping_changes() from None
    return CertificateFacts(
        serial=format(verified.serial, "X"),
        issuer=verified.issuer,
        subject=verified.subject,
        fingerprint_sha256=verified.fingerprint,
        suite=verified.suite,
        not_before=verified.not_before,
        not_after=verified.not_after,
        der=verified.certificate_der,
        credit_code=verified.credit_code,
    )


@use_case("identity.register_certificate", object_type="certificate")
def do_register_certificate(
    *,
    uow: UnitOfWork,
    actor: Actor,
    env: IdentityEnv,
    challenge_id: str,
    certificate: bytes,
    signature: bytes,
) -> RegisteredCertificate:
    """Register a signing certificate to the acting user, who proves it holds the key by signing a challenge. A
    certificate naming an organisation (credit code in its subject) is registered only to that organisation's users."""
    me = acting_user(uow, actor)
    facts = verify_possession(uow, env, challenge_id=challenge_id, certificate=certificate, signature=signature)
    org = repository.get_organisation(uow.conn, me.org_id) if me.org_id else None
    if facts.credit_code and (org is None or facts.credit_code != org.credit_code):
        raise Forbidden(
            f"certificate {facts.serial} was issued to the organisation with 统一社会信用代码 {facts.credit_code}, "
            "not to yours",
            field="certificate",
            code="other_organisation",
        ).keeping_changes()
    if repository.find_certificate_by_fingerprint(uow.conn, facts.fingerprint_sha256) is not None:
        raise Conflict(
            f"certificate {facts.serial} is already registered", field="certificate", code="certificate_registered"
        ).keeping_changes()
    certificate_id = new_id()
    uow.audit.object_id = certificate_id  # type: ignore[attr-defined]
    repository.insert_row(
        uow.conn,
        certificates,
        id=certificate_id,
        user_id=me.id,
        org_id=me.org_id,
        serial=facts.serial,
        issuer=facts.issuer,
        subject=facts.subject,
        fingerprint_sha256=facts.fingerprint_sha256,
        usage="sign",
        suite=facts.suite,
        not_before=facts.not_before,
        not_after=facts.not_after,
        der=facts.der,
        registered_at=uow.clock.now(),
    )
    return RegisteredCertificate(certificate_id, facts)
