"""Request and response bodies of the identity API. Shapes and lengths are checked here; the rules (credit-code
check digits, password policy, role combinations) are checked by the use cases, so that breaking them is audited."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from zhaocai.web.schemas import StrictIn

Kind = Literal["tenderer", "agent", "bidder"]
Short = Annotated[str, Field(min_length=1, max_length=200)]
Secret = Annotated[str, Field(min_length=1, max_length=1024)]


class AdminUserIn(StrictIn):
    username: str = Field(..., min_length=1, max_length=64, description="3-64 of a-z 0-9 . _ -, lower-cased")
    display_name: Short
    email: str = Field(..., min_length=3, max_length=254)
    phone: str | None = Field(None, max_length=30)
    password: Secret = Field(..., description="≥10 characters mixing three of: lower, upper, digits, others")


class OrganisationRegistrationIn(StrictIn):
    name: Short = Field(..., description="registered name (单位名称)")
    credit_code: str = Field(..., min_length=1, max_length=64, description="统一社会信用代码 (GB 32100-2015)")
    legal_representative: Short = Field(..., description="法定代表人 name")
    contact_name: Short
    contact_phone: str = Field(..., min_length=1, max_length=30)
    contact_email: str = Field(..., min_length=3, max_length=254)
    region_code: str = Field(..., min_length=1, max_length=12, description="GB/T 2260 行政区划代码, six digits")
    kinds: list[Kind] = Field(..., min_length=1, max_length=3, description="what the subject registers as")
    administrator: AdminUserIn = Field(..., description="the first user, the organisation's administrator")


class RegisteredOut(BaseModel):
    org_id: str
    user_id: str
    status: str


class OrganisationOut(BaseModel):
    id: str
    name: str
    credit_code: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    region_code: str
    kinds: list[str]
    status: str
    status_reason: str | None
    registered_at: datetime
    decided_at: datetime | None


class DecisionIn(StrictIn):
    note: str | None = Field(None, max_length=2000)


class RejectionIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=2000, description="told to the applicant")


class LoginIn(StrictIn):
    username: str = Field(..., min_length=1, max_length=254)
    password: Secret
    totp_code: str | None = Field(None, max_length=16, description="required for administrators and supervisors")


class SessionOut(BaseModel):
    user_id: str
    auth_method: str
    expires_at: datetime
    csrf_token: str = Field(..., description="send as X-CSRF-Token with every POST/PUT/PATCH/DELETE in this session")


class ChallengeOut(BaseModel):
    challenge_id: str
    nonce: str
    message: str = Field(..., description="base64 of the exact bytes to sign with the certificate's key")
    expires_at: datetime


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{field} must be base64") from None


class CertificateProofIn(StrictIn):
    challenge_id: str = Field(..., min_length=1, max_length=26)
    certificate: str = Field(..., min_length=1, max_length=20000, description="PEM, or base64 of DER")
    signature: str = Field(..., min_length=1, max_length=2000, description="base64 signature over `message`")

    @field_validator("signature")
    @classmethod
    def _signature_is_base64(cls, value: str) -> str:
        _b64(value, "signature")
        return value

    @field_validator("certificate")
    @classmethod
    def _certificate_is_pem_or_base64(cls, value: str) -> str:
        if not value.lstrip().startswith("-----BEGIN"):
            _b64(value.strip(), "certificate")
        return value

    def certificate_bytes(self) -> bytes:
        text = self.certificate.strip()
        return text.encode() if text.startswith("-----BEGIN") else _b64(text, "certificate")

    def signature_bytes(self) -> bytes:
        return _b64(self.signature, "signature")


class CertificateOut(BaseModel):
    certificate_id: str
    serial: str
    issuer: str
    subject: str
    fingerprint_sha256: str
    suite: str
    not_after: datetime


class ResetRequestIn(StrictIn):
    login: str = Field(..., min_length=1, max_length=254, description="username or e-mail address")


class ResetConfirmIn(StrictIn):
    token: Secret
    new_password: Secret


class AcceptedOut(BaseModel):
    message: str


class TotpEnrolmentOut(BaseModel):
    secret: str = Field(..., description="base32; shown once")
    otpauth_uri: str


class TotpCodeIn(StrictIn):
    totp_code: str = Field(..., min_length=1, max_length=16)


class UserCreateIn(StrictIn):
    org_id: str | None = Field(None, max_length=26, description="omit for a platform-staff account")
    username: str = Field(..., min_length=1, max_length=64)
    display_name: Short
    email: str = Field(..., min_length=3, max_length=254)
    phone: str | None = Field(None, max_length=30)
    roles: list[str] = Field(default_factory=list, max_length=10)
    password: Secret | None = None
    org_admin: bool = False


class UserCreatedOut(BaseModel):
    user_id: str
    totp_secret: str | None = None
    totp_uri: str | None = None


class RoleIn(StrictIn):
    role: str = Field(..., min_length=1, max_length=30)


class RolesOut(BaseModel):
    user_id: str
    roles: list[str]


class ApiTokenIn(StrictIn):
    name: Short


class ApiTokenOut(BaseModel):
    token_id: str
    token: str = Field(..., description="shown once: send as 'Authorization: Bearer <token>'")
    name: str
    expires_at: datetime


class MeOut(BaseModel):
    user_id: str
    username: str
    display_name: str
    email: str
    org_id: str | None
    organisation_status: str | None
    org_admin: bool
    roles: list[str]
    auth_method: str | None
    cert_serial: str | None
    second_factor_enrolled: bool
