"""Helpers for the identity use-case tests: a small world of organisations and staff, audit-entry readers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit
from zhaocai.identity.env import IdentityEnv
from zhaocai.identity.model import IdentityPolicy, OrganisationDraft, OrgKind
from zhaocai.identity.passwords import CHEAP
from zhaocai.identity.repository import get_user
from zhaocai.identity.service import do_create_user, do_register_organisation, do_verify_organisation
from zhaocai.identity.sessions import actor_for

SYSTEM = Actor(roles=frozenset({"system"}), auth_method="cli")
PASSWORD = "Correct-Horse-7"


def credit_code(body: str, region: str = "110108") -> str:
    """A valid 统一社会信用代码 for an 8-character organisation-code body."""
    return make_credit_code(f"91{region}{body}{organization_check_digit(body)}")


def cheap_env() -> IdentityEnv:
    return IdentityEnv(policy=IdentityPolicy(login_max_failures=3, lockout_minutes=15), hashing=CHEAP)


def entries(engine, action: str | None = None) -> list[dict]:
    query = select(audit_entries).order_by(audit_entries.c.id)
    if action:
        query = query.where(audit_entries.c.action == action)
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def outcomes(engine, action: str) -> list[str]:
    return [entry["outcome"] for entry in entries(engine, action)]


@dataclass
class World:
    uow_factory: object
    env: IdentityEnv

    def register(self, body: str, username: str, kinds=frozenset({OrgKind.BIDDER}), *, verify: bool = True):
        registered = do_register_organisation(
            uow=self.uow_factory(),
            actor=Actor(ip="198.51.100.1", auth_method="anonymous"),
            env=self.env,
            draft=OrganisationDraft(
                name=f"{username} 有限公司",
                credit_code=credit_code(body),
                legal_representative="王五",
                contact_name="李四",
                contact_phone="13800138000",
                contact_email=f"{username}@example.com",
                region_code="110108",
                kinds=frozenset(kinds),
            ),
            username=username,
            display_name=username,
            email=f"{username}@example.com",
            phone=None,
            password=PASSWORD,
        )
        if verify:
            do_verify_organisation(uow=self.uow_factory(), actor=SYSTEM, org_id=registered.org_id)
        return registered

    def staff(self, username: str, *roles: str):
        return do_create_user(
            uow=self.uow_factory(),
            actor=SYSTEM,
            env=self.env,
            org_id=None,
            username=username,
            display_name=username,
            email=f"{username}@example.com",
            roles=frozenset(roles),
            password=PASSWORD,
        )

    def actor(self, user_id: str, method: str = "password") -> Actor:
        uow = self.uow_factory()
        with uow:
            user = get_user(uow.conn, user_id)
        return actor_for(user, ip="198.51.100.2", auth_method=method)
