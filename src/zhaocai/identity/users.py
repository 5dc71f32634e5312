"""Use cases for user accounts and roles.

Who may create whom (docs/identity.md):
- the system actor (CLI) creates anyone, with any roles (that is how the first administrators exist);
- a system_admin creates platform-staff accounts (no organisation) WITHOUT roles: roles are granted by a
  security_admin (三员分立: accounts and permissions are separate duties);
- an organisation's administrator (its first user, or one it made administrator) creates its own
  organisation's users, with roles its organisation registered for, once the organisation is verified.
Who may grant or revoke roles: a security_admin (any role, any user but itself); an organisation's administrator
(organisation roles, its own organisation's users, not itself).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.identity import repository
from zhaocai.identity.access import (
    acting_user,
    is_system,
    require_own_organisation,
    require_role,
    require_verified_organisation,
)
from zhaocai.identity.env import IdentityEnv
from zhaocai.identity.model import (
    ORGANISATION_ROLES,
    SECOND_FACTOR_ROLES,
    Organisation,
    Role,
    User,
    UserStatus,
    check_password,
    check_role_set,
    check_second_factor_for,
    clean_email,
    clean_phone,
    clean_text,
    clean_username,
    parse_role,
)
from zhaocai.identity.passwords import hash_password
from zhaocai.identity.totp import encode_secret, matching_step, provisioning_uri
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class CreatedUser:
    user_id: str
    # For accounts created with an administrator's role (CLI): the second factor enrolled with them, shown once.
    totp_secret: str | None = None
    totp_uri: str | None = None


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str


def new_user(
    uow: UnitOfWork,
    env: IdentityEnv,
    *,
    org: Organisation | None,
    username: str,
    display_name: str,
    email: str,
    phone: str | None,
    roles: frozenset[Role],
    password: str | None,
    org_admin: bool,
    granted_by: str | None,
) -> User:
    """Validate and insert a user (inside the calling use case's transaction)."""
    username = clean_username(username)
    check_role_set(roles, org=org)
    if password is not None:
        check_password(password, username=username)
    if repository.find_user_by_username(uow.conn, username) is not None:
        raise Conflict(f"username {username} is taken", field="username", code="duplicate_username")
    now = uow.clock.now()
    user = User(
        id=new_id(),
        org_id=org.id if org else None,
        username=username,
        display_name=clean_text(display_name, field_name="display_name", max_length=100, label="display name"),
        email=clean_email(email, field_name="email"),
        phone=clean_phone(phone, field_name="phone") if phone else None,
        roles=roles,
        status=UserStatus.ACTIVE,
        created_at=now,
        org_admin=org_admin,
        password_hash=hash_password(password, env.hashing) if password is not None else None,
        password_changed_at=now if password is not None else None,
    )
    try:
        with uow.conn.begin_nested():
            repository.insert_user(uow.conn, user, granted_by=granted_by)
    except IntegrityError:
        raise Conflict(f"username {username} is taken", field="username", code="duplicate_username") from None
    return user


def _may_create(uow: UnitOfWork, actor: Actor, org_id: str | None, roles: frozenset[Role]) -> Organisation | None:
    """Apply the creation rule (module docstring); return the organisation the new user joins."""
    if is_system(actor):
        return _organisation(uow, org_id) if org_id else None
    if org_id is None:
        require_role(actor, Role.SYSTEM_ADMIN, action="creating a platform-staff account")
        if roles:
            raise Forbidden(
                "三员分立: a system administrator creates accounts without roles; a security administrator grants them",
                field="roles",
                code="separation_of_duties",
            )
        return None
    me = acting_user(uow, actor)
    if not me.org_admin:
        raise Forbidden(
            "creating an organisation's users requires its administrator account (org_admin)", code="org_admin"
        )
    require_own_organisation(actor, org_id, what="the account you are creating")
    return require_verified_organisation(uow, actor)


def _organisation(uow: UnitOfWork, org_id: str) -> Organisation:
    org = repository.get_organisation(uow.conn, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}", field="org_id")
    return org


def _enrol_now(user: User, env: IdentityEnv) -> tuple[User, TotpEnrolment]:
    secret = encode_secret(secrets.token_bytes(20))
    uri = provisioning_uri(secret, account=user.username, issuer=env.platform_name)
    return replace(user, totp_secret=secret, totp_enabled=True), TotpEnrolment(secret, uri)


@use_case("identity.create_user", object_type="user")
def do_create_user(
    *,
    uow: UnitOfWork,
    actor: Actor,
    env: IdentityEnv,
    org_id: str | None,
    username: str,
    display_name: str,
    email: str,
    phone: str | None = None,
    roles: frozenset[str] = frozenset(),
    password: str | None = None,
    org_admin: bool = False,
) -> CreatedUser:
    wanted = frozenset(parse_role(role) for role in roles)
    org = _may_create(uow, actor, org_id, wanted)
    enrolment = None
    # A second-factor role is only ever held with a second factor: enrol one at once and show it once.
    needs_totp = bool(wanted & SECOND_FACTOR_ROLES)
    user = new_user(
        uow,
        env,
        org=org,
        username=username,
        display_name=display_name,
        email=email,
        phone=phone,
        roles=wanted,
        password=password,
        org_admin=org_admin and org is not None,
        granted_by=actor.user_id,
    )
    uow.audit.object_id = user.id  # type: ignore[attr-defined]
    if needs_totp:
        user, enrolment = _enrol_now(user, env)
        repository.save_user(uow.conn, user)
    return CreatedUser(
        user_id=user.id,
        totp_secret=enrolment.secret if enrolment else None,
        totp_uri=enrolment.otpauth_uri if enrolment else None,
    )


def _target_user(uow: UnitOfWork, user_id: str) -> User:
    user = repository.get_user(uow.conn, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}", field="user_id")
    return user


def _may_change_roles(uow: UnitOfWork, actor: Actor, target: User, role: Role) -> Organisation | None:
    """Apply the grant/revoke rule (module docstring); return the target's organisation."""
    if target.id == actor.user_id:
        raise Forbidden("nobody grants or revokes their own roles", field="user_id", code="own_roles")
    if is_system(actor) or actor.has_role(Role.SECURITY_ADMIN):
        return _organisation(uow, target.org_id) if target.org_id else None
    if role in ORGANISATION_ROLES and actor.org_id is not None and acting_user(uow, actor).org_admin:
        require_own_organisation(actor, target.org_id, what="this user")
        return require_verified_organisation(uow, actor)
    who = (
        "security_admin, or the organisation's administrator account"
        if role in ORGANISATION_ROLES
        else "security_admin"
    )
    raise Forbidden(f"granting or revoking the role {role} requires {who}", field="role", code="role")


@use_case("identity.grant_role", object_type="user")
def do_grant_role(*, uow: UnitOfWork, actor: Actor, user_id: str, role: str) -> frozenset[Role]:
    wanted = parse_role(role)
    target = _target_user(uow, user_id)
    org = _may_change_roles(uow, actor, target, wanted)
    if wanted in target.roles:
        raise Conflict(f"{target.username} already holds the role {wanted}", field="role", code="already_held")
    roles = target.roles | {wanted}
    check_role_set(roles, org=org)
    check_second_factor_for(frozenset({wanted}), target)
    repository.add_role(uow.conn, target.id, wanted, at=uow.clock.now(), by=actor.user_id)
    return roles


@use_case("identity.revoke_role", object_type="user")
def do_revoke_role(*, uow: UnitOfWork, actor: Actor, user_id: str, role: str) -> frozenset[Role]:
    unwanted = parse_role(role)
    target = _target_user(uow, user_id)
    _may_change_roles(uow, actor, target, unwanted)
    if unwanted not in target.roles:
        raise Conflict(f"{target.username} does not hold the role {unwanted}", field="role", code="not_held")
    repository.remove_role(uow.conn, target.id, unwanted)
    return target.roles - {unwanted}


@use_case("identity.set_password", object_type="user")
def do_set_password(*, uow: UnitOfWork, actor: Actor, env: IdentityEnv, user_id: str, new_password: str) -> None:
    """Set a password as the platform itself (CLI); also lifts a lockout and ends the user's sessions."""
    if not is_system(actor):
        raise Forbidden("setting another user's password is a command-line action of the platform", code="role")
    user = _target_user(uow, user_id)
    check_password(new_password, username=user.username, field_name="new_password")
    now = uow.clock.now()
    user = replace(
        user, password_hash=hash_password(new_password, env.hashing), password_changed_at=now
    ).after_successful_login()
    repository.save_user(uow.conn, user)
    repository.end_user_sessions(uow.conn, user.id, now)


@use_case("identity.begin_totp_enrolment", object_type="user")
def do_begin_totp_enrolment(*, uow: UnitOfWork, actor: Actor, env: IdentityEnv) -> TotpEnrolment:
    """Start enrolling an authenticator app: a new secret, in force only once a code from it is confirmed."""
    me = acting_user(uow, actor)
    uow.audit.object_id = me.id  # type: ignore[attr-defined]
    if me.totp_enabled:
        raise Conflict("a second factor is already enrolled for this account", field="totp", code="already_enrolled")
    enrolled, enrolment = _enrol_now(me, env)
    repository.save_user(uow.conn, replace(enrolled, totp_enabled=False))
    return enrolment


@use_case("identity.confirm_totp_enrolment", object_type="user")
def do_confirm_totp_enrolment(*, uow: UnitOfWork, actor: Actor, totp_code: str) -> None:
    me = acting_user(uow, actor)
    uow.audit.object_id = me.id  # type: ignore[attr-defined]
    if me.totp_enabled:
        raise Conflict("a second factor is already enrolled for this account", field="totp", code="already_enrolled")
    if me.totp_secret is None:
        raise Conflict("begin the enrolment first", field="totp", code="not_begun")
    step = matching_step(me.totp_secret, totp_code, uow.clock.now(), after_step=None)
    if step is None:
        raise ValidationFailed("the code does not match the enrolled secret", field="totp_code", code="bad_code")
    repository.save_user(uow.conn, replace(me, totp_enabled=True, totp_last_step=step))
