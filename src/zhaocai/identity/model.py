"""Identity domain, pure: market subjects (organisations), users, roles and the rules that govern them.

No I/O, no clock reads: times are passed in. Refusals are DomainErrors that name the field and the rule.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from zhaocai.core.codes.credit_code import validate_credit_code
from zhaocai.core.codes.regions import validate_region_code
from zhaocai.core.errors import Conflict, ValidationFailed

TRIAD_CITATION = "GB/T 22239-2019 8.1.5 (三员分立: 系统管理员、安全管理员、审计管理员)"


class Role(StrEnum):
    TENDERER = "tenderer"  # 招标人
    AGENT = "agent"  # 招标代理机构
    BIDDER = "bidder"  # 投标人
    EXPERT = "expert"  # 评标专家
    SUPERVISOR = "supervisor"  # 行政监督人员
    HUB_OPERATOR = "hub_operator"  # 公共服务平台运营人员
    PLATFORM_OPERATOR = "platform_operator"  # 平台运营人员: verifies market subjects
    SYSTEM_ADMIN = "system_admin"  # 系统管理员: accounts
    SECURITY_ADMIN = "security_admin"  # 安全管理员: roles and permissions
    AUDIT_ADMIN = "audit_admin"  # 审计管理员: reviews the audit log


class OrgKind(StrEnum):
    TENDERER = "tenderer"
    AGENT = "agent"
    BIDDER = "bidder"


class OrgStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


# The role an organisation's users may hold follows from what the organisation registered as.
ROLE_FOR_KIND = {OrgKind.TENDERER: Role.TENDERER, OrgKind.AGENT: Role.AGENT, OrgKind.BIDDER: Role.BIDDER}
ORGANISATION_ROLES = frozenset(ROLE_FOR_KIND.values())
# Everyone else is platform staff (or, for experts, an individual in the pool) and belongs to no organisation.
STAFF_ROLES = frozenset(Role) - ORGANISATION_ROLES
ADMIN_TRIAD = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
SECOND_FACTOR_ROLES = ADMIN_TRIAD | {Role.PLATFORM_OPERATOR, Role.HUB_OPERATOR, Role.SUPERVISOR}
# Who may read any organisation's registration (others see only their own).
ORGANISATION_READERS = frozenset(
    {Role.PLATFORM_OPERATOR, Role.HUB_OPERATOR, Role.SUPERVISOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}
    | {Role.AUDIT_ADMIN}
)


@dataclass(frozen=True)
class IdentityPolicy:
    """The numbers the identity rules use; built from Settings by the service layer."""

    login_max_failures: int = 5
    lockout_minutes: int = 15
    session_ttl_minutes: int = 30
    session_absolute_hours: int = 12
    api_token_ttl_days: int = 90
    reset_token_minutes: int = 30
    challenge_minutes: int = 5


# --- organisations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationDraft:
    """What a market subject submits when it registers (validated by `validate_registration`)."""

    name: str
    credit_code: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    region_code: str
    kinds: frozenset[OrgKind]


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    credit_code: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    region_code: str
    kinds: frozenset[OrgKind]
    status: OrgStatus
    registered_at: datetime
    status_reason: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None


# state × event → state. Anything not listed is refused.
ORG_TRANSITIONS: dict[tuple[OrgStatus, str], OrgStatus] = {
    (OrgStatus.PENDING, "verify"): OrgStatus.VERIFIED,
    (OrgStatus.PENDING, "reject"): OrgStatus.REJECTED,
    (OrgStatus.VERIFIED, "suspend"): OrgStatus.SUSPENDED,
    (OrgStatus.SUSPENDED, "reinstate"): OrgStatus.VERIFIED,
}


def transition_organisation(org: Organisation, event: str, *, at: datetime, by: str | None, reason: str | None):
    after = ORG_TRANSITIONS.get((org.status, event))
    if after is None:
        raise Conflict(f"cannot {event} an organisation whose status is {org.status}", field="status")
    return replace(org, status=after, status_reason=reason, decided_at=at, decided_by=by)


_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)


def clean_text(value: str, *, field_name: str, max_length: int, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"{label} is required", field=field_name)
    if len(value) > max_length:
        raise ValidationFailed(f"{label} is longer than {max_length} characters", field=field_name)
    if any(ord(ch) < 32 for ch in value):
        raise ValidationFailed(f"{label} contains control characters", field=field_name)
    return value


def clean_phone(value: str, *, field_name: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if not _PHONE.match(value):
        raise ValidationFailed(
            f"{value!r} is not a mainland mobile number (11 digits starting 13-19) or a landline with area code",
            field=field_name,
        )
    return value


def clean_email(value: str, *, field_name: str) -> str:
    value = (value or "").strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationFailed(f"{value!r} is not an e-mail address", field=field_name)
    return value


def validate_registration(draft: OrganisationDraft) -> OrganisationDraft:
    """Check and normalise a registration; the first rule broken is refused, naming its field."""
    credit = validate_credit_code(draft.credit_code)
    region = validate_region_code((draft.region_code or "").strip(), allow_former=False)
    if not draft.kinds:
        raise ValidationFailed("register as at least one of tenderer, agent, bidder", field="kinds")
    return replace(
        draft,
        name=clean_text(draft.name, field_name="name", max_length=200, label="organisation name"),
        credit_code=credit.code,
        legal_representative=clean_text(
            draft.legal_representative, field_name="legal_representative", max_length=100, label="法定代表人 name"
        ),
        contact_name=clean_text(draft.contact_name, field_name="contact_name", max_length=100, label="contact name"),
        contact_phone=clean_phone(draft.contact_phone, field_name="contact_phone"),
        contact_email=clean_email(draft.contact_email, field_name="contact_email"),
        region_code=region.code,
    )


# --- users and roles ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: str
    org_id: str | None
    username: str
    display_name: str
    email: str
    phone: str | None
    roles: frozenset[Role]
    status: UserStatus
    created_at: datetime
    org_admin: bool = False
    password_hash: str | None = None
    failed_logins: int = 0
    locked_until: datetime | None = None
    totp_secret: str | None = None  # base32; set at enrolment, in force once totp_enabled
    totp_enabled: bool = False
    totp_last_step: int | None = None  # a code is accepted once: steps at or before this are refused
    password_changed_at: datetime | None = None

    @property
    def is_staff(self) -> bool:
        return self.org_id is None

    @property
    def needs_second_factor(self) -> bool:
        return self.totp_enabled or bool(self.roles & SECOND_FACTOR_ROLES)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failed_login(self, now: datetime, policy: IdentityPolicy) -> User:
        """Count a failure; the Nth within a run locks the account for the lockout period and restarts the count."""
        failures = self.failed_logins + 1
        if failures >= policy.login_max_failures:
            return replace(self, failed_logins=0, locked_until=now + timedelta(minutes=policy.lockout_minutes))
        return replace(self, failed_logins=failures)

    def after_successful_login(self) -> User:
        return replace(self, failed_logins=0, locked_until=None)


_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def clean_username(value: str) -> str:
    value = (value or "").strip().lower()
    if not _USERNAME.match(value):
        raise ValidationFailed(
            "username must be 3-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit",
            field="username",
        )
    return value


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed(
            f"{value!r} is not a role; roles are: {', '.join(r.value for r in Role)}", field="role"
        ) from None


def check_role_set(roles: frozenset[Role], *, org: Organisation | None) -> None:
    """The roles one user may hold together: 三员分立, organisation roles only for the organisation's kinds,
    platform roles only for platform staff."""
    triad = sorted(roles & ADMIN_TRIAD)
    if len(triad) > 1:
        raise Conflict(
            f"三员分立: one user may not hold both {triad[0]} and {triad[1]}; system, security and audit "
            "administrators must be different people",
            field="role",
            citation=TRIAD_CITATION,
            code="separation_of_duties",
        )
    for role in sorted(roles):
        if org is None and role in ORGANISATION_ROLES:
            raise ValidationFailed(f"role {role} is held by an organisation's users, not platform staff", field="role")
        if org is not None and role in STAFF_ROLES:
            raise ValidationFailed(f"role {role} is for platform staff, not an organisation's users", field="role")
        if org is not None and role in ORGANISATION_ROLES and OrgKind(role.value) not in org.kinds:
            raise ValidationFailed(
                f"organisation {org.credit_code} is not registered as a {role}; it may hold only "
                f"{', '.join(sorted(ROLE_FOR_KIND[k] for k in org.kinds))}",
                field="role",
            )


def check_second_factor_for(roles: frozenset[Role], user: User) -> None:
    """An administrator's or supervisor's role takes effect only on an account that already has a second factor."""
    needing = sorted(roles & SECOND_FACTOR_ROLES)
    if needing and not user.totp_enabled:
        raise Conflict(
            f"role {needing[0]} requires a second factor: {user.username} must enrol TOTP before it is granted",
            field="role",
            code="second_factor_not_enrolled",
        )


# --- passwords ---------------------------------------------------------------------------------------------------

PASSWORD_MIN = 10
PASSWORD_MAX = 256
PASSWORD_CLASSES_MIN = 3


def _classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password) or any(not c.isascii() for c in password),
        )
    )


def check_password(password: str, *, username: str, field_name: str = "password") -> None:
    """Password policy: 10-256 characters, at least three of lower case, upper case, digits and other characters,
    not containing the username. Refusals name the rule (never the password)."""
    if len(password) < PASSWORD_MIN:
        raise ValidationFailed(f"password must be at least {PASSWORD_MIN} characters", field=field_name)
    if len(password) > PASSWORD_MAX:
        raise ValidationFailed(f"password must be at most {PASSWORD_MAX} characters", field=field_name)
    if _classes(password) < PASSWORD_CLASSES_MIN:
        raise ValidationFailed(
            "password must mix at least three of: lower-case letters, upper-case letters, digits, other characters",
            field=field_name,
        )
    if username and username.lower() in password.lower():
        raise ValidationFailed("password must not contain the username", field=field_name)


# --- secrets we keep only as hashes --------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """What the database keeps of a session, API, reset or challenge token: SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at


def session_expiry(created_at: datetime, last_seen_at: datetime, policy: IdentityPolicy) -> datetime:
    """A session ends after `session_ttl_minutes` idle, and in any case `session_absolute_hours` after login."""
    idle = last_seen_at + timedelta(minutes=policy.session_ttl_minutes)
    return min(idle, created_at + timedelta(hours=policy.session_absolute_hours))


def challenge_message(platform_code: str, challenge_id: str, nonce: str) -> bytes:
    """The bytes a certificate holder signs to log in: bound to this platform and this single-use challenge."""
    return f"zhaocai-certificate-login\nplatform:{platform_code}\nchallenge:{challenge_id}\nnonce:{nonce}\n".encode()
