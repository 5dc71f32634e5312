"""Helpers for the credit tests: organisations registered and verified through the identity use cases, staff, actors,
and audit-entry readers."""

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
ENV = IdentityEnv(policy=IdentityPolicy(), hashing=CHEAP)


def outcomes(engine, action: str) -> list[str]:
    query = select(audit_entries.c.outcome).where(audit_entries.c.action == action).order_by(audit_entries.c.id)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


@dataclass
class Party:
    org_id: str
    user_id: str
    actor: Actor


@dataclass
class World:
    uow_factory: object
    _count: int = 0

    def organisation(self, username: str, *, legal_representative: str = "王五", kind=OrgKind.BIDDER) -> Party:
        self._count += 1
        body = f"MA{self._count:02d}CRED"
        registered = do_register_organisation(
            uow=self.uow_factory(),
            actor=Actor(ip="198.51.100.1", auth_method="anonymous"),
            env=ENV,
            draft=OrganisationDraft(
                name=f"{username} 有限公司",
                credit_code=make_credit_code(f"91110108{body}{organization_check_digit(body)}"),
                legal_representative=legal_representative,
                contact_name="李四",
                contact_phone="13800138000",
                contact_email=f"{username}@example.com",
                region_code="110108",
                kinds=frozenset({kind}),
            ),
            username=f"{username}-admin",
            display_name=username,
            email=f"{username}@example.com",
            phone=None,
            password=PASSWORD,
        )
        do_verify_organisation(uow=self.uow_factory(), actor=SYSTEM, org_id=registered.org_id)
        return Party(registered.org_id, registered.user_id, self.actor(registered.user_id))

    def staff(self, username: str, role: str) -> Actor:
        created = do_create_user(
            uow=self.uow_factory(),
            actor=SYSTEM,
            env=ENV,
            org_id=None,
            username=username,
            display_name=username,
            email=f"{username}@example.com",
            roles=frozenset({role}),
            password=PASSWORD,
        )
        return self.actor(created.user_id)

    def actor(self, user_id: str) -> Actor:
        uow = self.uow_factory()
        with uow:
            user = get_user(uow.conn, user_id)
        return actor_for(user, ip="198.51.100.2", auth_method="password")
