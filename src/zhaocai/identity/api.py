"""Identity API (/api/v1): market-subject registration and verification, login (password + TOTP, certificate),
logout, password reset, second-factor enrolment, users and roles, certificates, API tokens, and /me.

Thin: parse, call the use case, render. Rules and access checks live in the use cases.
"""

from __future__ import annotations

import base64
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status

from zhaocai.core.errors import DomainError, ValidationFailed
from zhaocai.identity.api_tokens import do_create_api_token, do_revoke_api_token
from zhaocai.identity.certificates import do_issue_certificate_challenge, do_register_certificate
from zhaocai.identity.env import IdentityEnv, identity_env
from zhaocai.identity.login import do_login_certificate, do_login_password
from zhaocai.identity.model import Organisation, OrganisationDraft, OrgKind
from zhaocai.identity.organisations import do_register_organisation, do_reject_organisation, do_verify_organisation
from zhaocai.identity.queries import me_view, organisation_view
from zhaocai.identity.recovery import do_confirm_password_reset, do_request_password_reset
from zhaocai.identity.schemas import (
    AcceptedOut,
    ApiTokenIn,
    ApiTokenOut,
    CertificateOut,
    CertificateProofIn,
    ChallengeOut,
    DecisionIn,
    LoginIn,
    MeOut,
    OrganisationOut,
    OrganisationRegistrationIn,
    RegisteredOut,
    RejectionIn,
    ResetConfirmIn,
    ResetRequestIn,
    RoleIn,
    RolesOut,
    SessionOut,
    TotpCodeIn,
    TotpEnrolmentOut,
    UserCreatedOut,
    UserCreateIn,
)
from zhaocai.identity.sessions import NewSession, do_end_session
from zhaocai.identity.users import (
    do_begin_totp_enrolment,
    do_confirm_totp_enrolment,
    do_create_user,
    do_grant_role,
    do_revoke_role,
)
from zhaocai.web.auth import (
    ActorDep,
    RequiredActorDep,
    audit_refusal,
    clear_session_cookie,
    session_id_of,
    set_session_cookie,
)
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, refusals

router = APIRouter(prefix="/api/v1", tags=["identity"])
RoleName = Annotated[str, Path(min_length=1, max_length=30, pattern=r"^[a-z_]+$")]

_DESCRIPTIONS = {
    400: "refused",
    401: "not authenticated (reason in `error`)",
    403: "forbidden: role, organisation or CSRF rule",
    404: "not found",
    409: "conflicts with the current state",
    422: "invalid input (the field and rule are named)",
    423: "account locked after repeated failed logins",
}


_errors = partial(refusals, _DESCRIPTIONS)


def _env(container: Any) -> IdentityEnv:
    return identity_env(container)


def _organisation_out(org: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=org.id,
        name=org.name,
        credit_code=org.credit_code,
        legal_representative=org.legal_representative,
        contact_name=org.contact_name,
        contact_phone=org.contact_phone,
        contact_email=org.contact_email,
        region_code=org.region_code,
        kinds=sorted(org.kinds),
        status=org.status.value,
        status_reason=org.status_reason,
        registered_at=org.registered_at,
        decided_at=org.decided_at,
    )


def _session_out(session: NewSession, response: Response, container: Any) -> SessionOut:
    set_session_cookie(response, session, public_url=container.settings.public_url)
    return SessionOut(
        user_id=session.user_id,
        auth_method=session.auth_method,
        expires_at=session.expires_at,
        csrf_token=session.csrf_token,
    )


# --- market subjects ---------------------------------------------------------------------------------------------


@router.post(
    "/organisations",
    status_code=status.HTTP_201_CREATED,
    summary="Register a market subject (status pending) and its administrator account",
    responses=_errors(409, 422),
)
def register_organisation(
    body: OrganisationRegistrationIn, container: ContainerDep, uow: UowDep, actor: ActorDep
) -> RegisteredOut:
    admin = body.administrator
    draft = OrganisationDraft(
        name=body.name,
        credit_code=body.credit_code,
        legal_representative=body.legal_representative,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        contact_email=body.contact_email,
        region_code=body.region_code,
        kinds=frozenset(OrgKind(kind) for kind in body.kinds),
    )
    registered = do_register_organisation(
        uow=uow,
        actor=actor,
        env=_env(container),
        draft=draft,
        username=admin.username,
        display_name=admin.display_name,
        email=admin.email,
        phone=admin.phone,
        password=admin.password,
    )
    return RegisteredOut(org_id=registered.org_id, user_id=registered.user_id, status=registered.status.value)


@router.get(
    "/organisations/{org_id}",
    summary="An organisation's registration (its own users, platform staff, supervisors)",
    responses=_errors(401, 403, 404),
)
def get_organisation(
    org_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> OrganisationOut:
    try:
        with uow:
            org = organisation_view(uow.conn, actor, org_id)
    except DomainError as error:
        if error.status == 404:
            raise
        audit_refusal(container, actor, request, error)
    return _organisation_out(org)


@router.post(
    "/organisations/{org_id}/verify",
    summary="Verify a market subject (platform_operator)",
    responses=_errors(401, 403, 404, 409),
)
def verify_organisation(
    org_id: Id, uow: UowDep, actor: RequiredActorDep, body: DecisionIn | None = None
) -> OrganisationOut:
    org = do_verify_organisation(uow=uow, actor=actor, org_id=org_id, note=body.note if body else None)
    return _organisation_out(org)


@router.post(
    "/organisations/{org_id}/reject",
    summary="Reject a market subject's registration, with the reason (platform_operator)",
    responses=_errors(401, 403, 404, 409),
)
def reject_organisation(org_id: Id, body: RejectionIn, uow: UowDep, actor: RequiredActorDep) -> OrganisationOut:
    return _organisation_out(do_reject_organisation(uow=uow, actor=actor, org_id=org_id, reason=body.reason))


# --- logging in and out ------------------------------------------------------------------------------------------


@router.post(
    "/auth/login",
    summary="Log in with a password (and totp_code for administrators and supervisors); sets the zc_session cookie",
    responses=_errors(401, 423),
)
def login(body: LoginIn, response: Response, container: ContainerDep, uow: UowDep, actor: ActorDep) -> SessionOut:
    session = do_login_password(
        uow=uow,
        actor=actor,
        env=_env(container),
        username=body.username,
        password=body.password,
        totp_code=body.totp_code,
    )
    return _session_out(session, response, container)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End this browser session",
    responses=_errors(400, 401, 403),
)
def logout(request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep) -> Response:
    session_id = session_id_of(request)
    if session_id is None:
        raise ValidationFailed("logout ends a browser session; revoke an API token instead", code="not_a_session")
    do_end_session(uow=uow, actor=actor, session_id=session_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, public_url=container.settings.public_url)
    return response


@router.post(
    "/auth/certificate/challenge",
    summary="A single-use challenge to sign with a certificate's key (expires in minutes)",
)
def certificate_challenge(container: ContainerDep, uow: UowDep, actor: ActorDep) -> ChallengeOut:
    challenge = do_issue_certificate_challenge(uow=uow, actor=actor, env=_env(container))
    return ChallengeOut(
        challenge_id=challenge.challenge_id,
        nonce=challenge.nonce,
        message=base64.b64encode(challenge.message).decode(),
        expires_at=challenge.expires_at,
    )


@router.post(
    "/auth/certificate/login",
    summary="Log in with a registered certificate: the signed challenge is checked against the trusted CAs and CRLs",
    responses=_errors(401, 422),
)
def certificate_login(
    body: CertificateProofIn, response: Response, container: ContainerDep, uow: UowDep, actor: ActorDep
) -> SessionOut:
    session = do_login_certificate(
        uow=uow,
        actor=actor,
        env=_env(container),
        challenge_id=body.challenge_id,
        certificate=body.certificate_bytes(),
        signature=body.signature_bytes(),
    )
    return _session_out(session, response, container)


# --- password reset ----------------------------------------------------------------------------------------------

RESET_ACCEPTED = "if an account matches, a reset link has been sent to its e-mail address"


@router.post(
    "/auth/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask for a reset link (the answer is the same whether or not the account exists)",
)
def request_password_reset(body: ResetRequestIn, container: ContainerDep, uow: UowDep, actor: ActorDep) -> AcceptedOut:
    do_request_password_reset(uow=uow, actor=actor, env=_env(container), login=body.login)
    return AcceptedOut(message=RESET_ACCEPTED)


@router.post(
    "/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a new password with the token from the reset link (works once, within 30 minutes)",
    responses=_errors(401, 422),
)
def confirm_password_reset(body: ResetConfirmIn, container: ContainerDep, uow: UowDep, actor: ActorDep) -> Response:
    do_confirm_password_reset(
        uow=uow, actor=actor, env=_env(container), token=body.token, new_password=body.new_password
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- the caller's own account ------------------------------------------------------------------------------------


@router.get("/me", summary="Who the caller is", responses=_errors(401))
def me(container: ContainerDep, uow: UowDep, actor: RequiredActorDep) -> MeOut:
    with uow:
        found = me_view(uow.conn, actor)
    user, org = found.user, found.organisation
    return MeOut(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        org_id=user.org_id,
        organisation_status=org.status.value if org else None,
        org_admin=user.org_admin,
        roles=sorted(user.roles),
        auth_method=actor.auth_method,
        cert_serial=actor.cert_serial,
        second_factor_enrolled=user.totp_enabled,
    )


@router.post(
    "/me/totp",
    summary="Begin enrolling an authenticator app (TOTP, RFC 6238): returns the secret and otpauth URI once",
    responses=_errors(401, 403, 409),
)
def begin_totp(container: ContainerDep, uow: UowDep, actor: RequiredActorDep) -> TotpEnrolmentOut:
    enrolment = do_begin_totp_enrolment(uow=uow, actor=actor, env=_env(container))
    return TotpEnrolmentOut(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri)


@router.post(
    "/me/totp/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Confirm the enrolment with a code from the app; from then on login asks for a code",
    responses=_errors(401, 403, 409, 422),
)
def confirm_totp(body: TotpCodeIn, uow: UowDep, actor: RequiredActorDep) -> Response:
    do_confirm_totp_enrolment(uow=uow, actor=actor, totp_code=body.totp_code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/certificates",
    status_code=status.HTTP_201_CREATED,
    summary="Register a signing certificate to the caller (proof of possession: a signed challenge)",
    responses=_errors(401, 403, 409, 422),
)
def register_certificate(
    body: CertificateProofIn, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> CertificateOut:
    registered = do_register_certificate(
        uow=uow,
        actor=actor,
        env=_env(container),
        challenge_id=body.challenge_id,
        certificate=body.certificate_bytes(),
        signature=body.signature_bytes(),
    )
    facts = registered.facts
    return CertificateOut(
        certificate_id=registered.certificate_id,
        serial=facts.serial,
        issuer=facts.issuer,
        subject=facts.subject,
        fingerprint_sha256=facts.fingerprint_sha256,
        suite=facts.suite,
        not_after=facts.not_after,
    )


@router.post(
    "/me/api-tokens",
    status_code=status.HTTP_201_CREATED,
    summary="Create an API token for a machine client (shown once; log in with a session to create one)",
    responses=_errors(401, 403, 422),
)
def create_api_token(body: ApiTokenIn, container: ContainerDep, uow: UowDep, actor: RequiredActorDep) -> ApiTokenOut:
    created = do_create_api_token(uow=uow, actor=actor, env=_env(container), name=body.name)
    return ApiTokenOut(token_id=created.token_id, token=created.token, name=created.name, expires_at=created.expires_at)


@router.delete(
    "/api-tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API token (its owner or a security_admin)",
    responses=_errors(401, 403, 404, 409),
)
def revoke_api_token(token_id: Id, uow: UowDep, actor: RequiredActorDep) -> Response:
    do_revoke_api_token(uow=uow, actor=actor, token_id=token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- users and roles ---------------------------------------------------------------------------------------------


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    summary="Create a user: platform staff (system_admin, no roles) or an organisation's user (its administrator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def create_user(body: UserCreateIn, container: ContainerDep, uow: UowDep, actor: RequiredActorDep) -> UserCreatedOut:
    created = do_create_user(
        uow=uow,
        actor=actor,
        env=_env(container),
        org_id=body.org_id,
        username=body.username,
        display_name=body.display_name,
        email=body.email,
        phone=body.phone,
        roles=frozenset(body.roles),
        password=body.password,
        org_admin=body.org_admin,
    )
    return UserCreatedOut(user_id=created.user_id, totp_secret=created.totp_secret, totp_uri=created.totp_uri)


@router.post(
    "/users/{user_id}/roles",
    summary="Grant a role (security_admin; an organisation's administrator for its own users' organisation roles)",
    responses=_errors(401, 403, 404, 409, 422),
)
def grant_role(user_id: Id, body: RoleIn, uow: UowDep, actor: RequiredActorDep) -> RolesOut:
    roles = do_grant_role(uow=uow, actor=actor, user_id=user_id, role=body.role)
    return RolesOut(user_id=user_id, roles=sorted(roles))


@router.delete(
    "/users/{user_id}/roles/{role}",
    summary="Revoke a role (same rule as granting)",
    responses=_errors(401, 403, 404, 409, 422),
)
def revoke_role(user_id: Id, role: RoleName, uow: UowDep, actor: RequiredActorDep) -> RolesOut:
    roles = do_revoke_role(uow=uow, actor=actor, user_id=user_id, role=role)
    return RolesOut(user_id=user_id, roles=sorted(roles))
