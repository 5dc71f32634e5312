"""The identity use cases, in one place for other packages and the CLI to import. Each lives in the module of
its subject; see docs/identity.md for who may do what."""

from zhaocai.identity.access import (
    acting_user,
    require_own_organisation,
    require_role,
    require_user,
    require_verified_organisation,
)
from zhaocai.identity.api_tokens import NewApiToken, do_create_api_token, do_revoke_api_token
from zhaocai.identity.authn import do_refuse_request, record_refusal
from zhaocai.identity.certificates import (
    Challenge,
    RegisteredCertificate,
    do_issue_certificate_challenge,
    do_register_certificate,
)
from zhaocai.identity.env import IdentityEnv, env_from_settings, identity_env
from zhaocai.identity.login import do_login_certificate, do_login_password
from zhaocai.identity.organisations import (
    Registered,
    do_register_organisation,
    do_reinstate_organisation,
    do_reject_organisation,
    do_suspend_organisation,
    do_verify_organisation,
)
from zhaocai.identity.recovery import do_confirm_password_reset, do_request_password_reset
from zhaocai.identity.sessions import NewSession, do_end_session
from zhaocai.identity.users import (
    CreatedUser,
    TotpEnrolment,
    do_begin_totp_enrolment,
    do_confirm_totp_enrolment,
    do_create_user,
    do_grant_role,
    do_revoke_role,
    do_set_password,
)

__all__ = [
    "Challenge",
    "CreatedUser",
    "IdentityEnv",
    "NewApiToken",
    "NewSession",
    "Registered",
    "RegisteredCertificate",
    "TotpEnrolment",
    "acting_user",
    "do_begin_totp_enrolment",
    "do_confirm_password_reset",
    "do_confirm_totp_enrolment",
    "do_create_api_token",
    "do_create_user",
    "do_end_session",
    "do_grant_role",
    "do_issue_certificate_challenge",
    "do_login_certificate",
    "do_login_password",
    "do_refuse_request",
    "do_register_certificate",
    "do_register_organisation",
    "do_reinstate_organisation",
    "do_reject_organisation",
    "do_request_password_reset",
    "do_revoke_api_token",
    "do_revoke_role",
    "do_set_password",
    "do_suspend_organisation",
    "do_verify_organisation",
    "env_from_settings",
    "identity_env",
    "record_refusal",
    "require_own_organisation",
    "require_role",
    "require_user",
    "require_verified_organisation",
]
