"""Logging in: password (with TOTP for administrators and supervisors) and certificate (signed challenge).

Failures are audited; a failed password or second-factor code also counts towards the lockout, and that count is
committed together with the refusal's audit entry (`keeping_changes`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import DomainError, Locked, NotAuthenticated
from zhaocai.identity import repository
from zhaocai.identity.certificates import verify_possession
from zhaocai.identity.env import IdentityEnv
from zhaocai.identity.model import User, UserStatus
from zhaocai.identity.passwords import hash_password, needs_rehash, verify_password
from zhaocai.identity.sessions import NewSession, start_session
from zhaocai.identity.totp import matching_step
from zhaocai.usecase import use_case

BAD_CREDENTIALS = "wrong username or password"


def _refuse_failure(uow: UnitOfWork, env: IdentityEnv, user: User, now: datetime, error: DomainError) -> None:
    failed = user.after_failed_login(now, env.policy)
    repository.save_user(uow.conn, failed)
    if failed.is_locked(now):
        error = Locked(
            f"{error.message}; {env.policy.login_max_failures} failed logins in a row: the account is locked until "
            f"{failed.locked_until.isoformat()}",  # type: ignore[union-attr]
            field=error.field,
            code="account_locked",
        )
    raise error.keeping_changes()


def _check_usable(user: User, now: datetime) -> None:
    if user.status is not UserStatus.ACTIVE:
        raise NotAuthenticated("this account is disabled", code="account_disabled")
    if user.is_locked(now):
        raise Locked(
            f"the account is locked until {user.locked_until.isoformat()} after repeated failed logins; "  # type: ignore[union-attr]
            "try again later",
            code="account_locked",
        )


@use_case("identity.login_password", object_type="user")
def do_login_password(
    *,
    uow: UnitOfWork,
    actor: Actor,
    env: IdentityEnv,
    username: str,
    password: str,
    totp_code: str | None = None,
) -> NewSession:
    now = uow.clock.now()
    user = repository.find_user_by_username(uow.conn, username)
    if user is None:
        verify_password(None, password, env.hashing)  # spend the same time as for a real account
        raise NotAuthenticated(BAD_CREDENTIALS, field="password", code="bad_credentials")
    uow.audit.object_id = user.id  # type: ignore[attr-defined]
    _check_usable(user, now)
    if not verify_password(user.password_hash, password, env.hashing):
        _refuse_failure(
            uow, env, user, now, NotAuthenticated(BAD_CREDENTIALS, field="password", code="bad_credentials")
        )
    method = "password"
    if user.needs_second_factor:
        if not totp_code:
            raise NotAuthenticated(
                "second factor required: give totp_code, the 6-digit code from your authenticator app",
                field="totp_code",
                code="second_factor_required",
            )
        if not user.totp_enabled or user.totp_secret is None:
            raise NotAuthenticated(
                "second factor required but none is enrolled for this account; ask a security administrator",
                field="totp_code",
                code="second_factor_not_enrolled",
            )
        step = matching_step(user.totp_secret, totp_code, now, after_step=user.totp_last_step)
        if step is None:
            wrong = NotAuthenticated("wrong second factor code", field="totp_code", code="bad_second_factor")
            _refuse_failure(uow, env, user, now, wrong)
        user = replace(user, totp_last_step=step)
        method = "password+totp"
    if needs_rehash(user.password_hash, env.hashing):  # type: ignore[arg-type]
        user = replace(user, password_hash=hash_password(password, env.hashing))
    user = user.after_successful_login()
    repository.save_user(uow.conn, user)
    return start_session(uow, user, auth_method=method, policy=env.policy, client_ip=actor.ip)


@use_case("identity.login_certificate", object_type="user")
def do_login_certificate(
    *,
    uow: UnitOfWork,
    actor: Actor,
    env: IdentityEnv,
    challenge_id: str,
    certificate: bytes,
    signature: bytes,
) -> NewSession:
    """Log in by signing a challenge with a registered certificate's key (a UKey). The certificate is checked
    against the trust store at the clock's time: chain, validity, key usage, revocation. The password lockout does
    not apply: it guards the password, and this credential cannot be guessed."""
    facts = verify_possession(uow, env, challenge_id=challenge_id, certificate=certificate, signature=signature)
    registered = repository.find_certificate_by_fingerprint(uow.conn, facts.fingerprint_sha256)
    if registered is None:
        raise NotAuthenticated(
            f"certificate {facts.serial} from {facts.issuer} is not registered to any user; register it first",
            field="certificate",
            code="certificate_not_registered",
        ).keeping_changes()
    user = repository.get_user(uow.conn, registered["user_id"])
    if user is None or user.status is not UserStatus.ACTIVE:
        raise NotAuthenticated("this account is disabled", code="account_disabled").keeping_changes()
    uow.audit.object_id = user.id  # type: ignore[attr-defined]
    return start_session(
        uow,
        user,
        auth_method="certificate",
        policy=env.policy,
        client_ip=actor.ip,
        cert_serial=facts.serial,
    )
