"""The callers the fuzzing sends requests as, made through the real use cases and the real login.

Anonymous; a forged token (refused and audited); the administrator of a verified market subject; and platform
staff — system_admin, security_admin, platform_operator, hub_operator, supervisor — each logged in over HTTP with
password and TOTP, then given an API token. Also the ids of the objects they made, for the fuzzing to aim at.
"""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass, field

from zhaocai.bootstrap import Container
from zhaocai.core.actor import Actor
from zhaocai.core.clock import FixedClock
from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit
from zhaocai.identity.env import ENV_KEY, env_from_settings
from zhaocai.identity.model import OrganisationDraft, OrgKind, Role
from zhaocai.identity.passwords import CHEAP
from zhaocai.identity.service import do_create_user, do_register_organisation, do_verify_organisation
from zhaocai.identity.totp import decode_secret, totp

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SYSTEM = Actor(roles=frozenset({"system"}), auth_method="cli")
PASSWORD = "Correct-Horse-7"
STAFF_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.PLATFORM_OPERATOR, Role.HUB_OPERATOR, Role.SUPERVISOR)
ANONYMOUS = "anonymous"
FORGED = "forged_token"


@dataclass(frozen=True)
class Caller:
    name: str
    authorization: str | None  # the Authorization header it sends


@dataclass
class Cast:
    callers: list[Caller]
    org_ids: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    token_ids: list[str] = field(default_factory=list)  # spare tokens, for the fuzzing to revoke

    @property
    def authenticated(self) -> list[Caller]:
        return [caller for caller in self.callers if caller.name not in (ANONYMOUS, FORGED)]

    def caller(self, name: str) -> Caller:
        return next(caller for caller in self.callers if caller.name == name)

    def caller_for(self, key: bytes) -> Caller:
        """The caller a request is sent as, picked from the request's own content: a replay picks the same one."""
        return self.callers[zlib.crc32(key) % len(self.callers)]

    def name_of(self, authorization: str | None) -> str:
        return next((caller.name for caller in self.callers if caller.authorization == authorization), "other")


def credit_code(body: str) -> str:
    """A valid 统一社会信用代码 for an enterprise in Beijing Haidian with the 8-character body given."""
    return make_credit_code(f"91110108{body}{organization_check_digit(body)}")


def _register(container: Container, body: str, username: str, kinds: set[OrgKind]) -> tuple[str, str]:
    draft = OrganisationDraft(
        name=f"{username} 建设有限公司",
        credit_code=credit_code(body),
        legal_representative="王五",
        contact_name="李四",
        contact_phone="13800138000",
        contact_email=f"{username}@example.com",
        region_code="110108",
        kinds=frozenset(kinds),
    )
    registered = do_register_organisation(
        uow=container.uow(),
        actor=SYSTEM,
        env=container.extras[ENV_KEY],
        draft=draft,
        username=username,
        display_name=username,
        email=f"{username}@example.com",
        phone=None,
        password=PASSWORD,
    )
    return registered.org_id, registered.user_id


def _staff(container: Container, role: Role) -> tuple[str, str | None]:
    created = do_create_user(
        uow=container.uow(),
        actor=SYSTEM,
        env=container.extras[ENV_KEY],
        org_id=None,
        username=role.value.replace("_", "-"),
        display_name=role.value,
        email=f"{role.value}@example.com",
        roles=frozenset({role}),
        password=PASSWORD,
    )
    return created.user_id, created.totp_secret


def _api_token(app, clock: FixedClock, username: str, totp_secret: str | None) -> dict:
    """Log in over HTTP as a browser would (password, and TOTP when the role needs it), then create a token."""
    with TestClient(app, base_url="http://testserver") as browser:
        body = {"username": username, "password": PASSWORD}
        if totp_secret:
            body["totp_code"] = totp(decode_secret(totp_secret), clock.now())
        login = browser.post("/api/v1/auth/login", json=body)
        assert login.status_code == 200, login.text
        created = browser.post(
            "/api/v1/me/api-tokens", json={"name": "fuzz"}, headers={"X-CSRF-Token": login.json()["csrf_token"]}
        )
        assert created.status_code == 201, created.text
        return created.json()


def make_cast(container: Container, app, clock: FixedClock) -> Cast:
    container.extras[ENV_KEY] = env_from_settings(container.settings, hashing=CHEAP)
    acme_org, acme_admin = _register(container, "MA01AAAA", "acme", {OrgKind.TENDERER, OrgKind.BIDDER})
    do_verify_organisation(uow=container.uow(), actor=SYSTEM, org_id=acme_org)
    pending_org, pending_admin = _register(container, "MA02BBBB", "pending", {OrgKind.AGENT})
    cast = Cast(
        callers=[Caller(ANONYMOUS, None), Caller(FORGED, "Bearer zcat_forged-token-00000000000000000000000000")],
        org_ids=[acme_org, pending_org],
        user_ids=[acme_admin, pending_admin],
    )
    acme = _api_token(app, clock, "acme", None)
    cast.callers.append(Caller("market_subject_admin", f"Bearer {acme['token']}"))
    cast.token_ids.append(_api_token(app, clock, "acme", None)["token_id"])
    for role in STAFF_ROLES:
        user_id, secret = _staff(container, role)
        token = _api_token(app, clock, role.value.replace("_", "-"), secret)
        cast.callers.append(Caller(role.value, f"Bearer {token['token']}"))
        cast.user_ids.append(user_id)
    with TestClient(app, base_url="http://testserver") as http:  # positive control: every token works
        for caller in cast.authenticated:
            assert http.get("/api/v1/me", headers={"Authorization": caller.authorization}).status_code == 200
    return cast
