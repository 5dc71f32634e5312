"""Helpers for the bond API tests: market subjects and staff made through the use cases, each with an API token, and
an HTTP client that sends one of them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.identity.api_tokens import do_create_api_token
from zhaocai.identity.env import identity_env
from zhaocai.identity.repository import get_user
from zhaocai.identity.sessions import actor_for
from zhaocai.identity.users import do_create_user
from zhaocai.tendering.scenario import market_subject, open_tender

SYSTEM = Actor(roles=frozenset({"system"}), auth_method="cli")
HEADER = [
    "value_date",
    "amount",
    "payer_account_name",
    "payer_account_number",
    "payer_bank",
    "bank_reference",
    "remark",
]


@dataclass(frozen=True)
class Caller:
    actor: Actor
    token: str
    name: str = ""

    @property
    def org_id(self) -> str | None:
        return self.actor.org_id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class BondApiWorld:
    def __init__(self, container, client) -> None:
        self.container = container
        self.client = client

    def _caller(self, actor: Actor, name: str = "") -> Caller:
        token = do_create_api_token(uow=self.container.uow(), actor=actor, env=identity_env(self.container), name="t")
        return Caller(actor, token.token, name)

    def subject(self, kind: str, username: str, name: str) -> Caller:
        return self._caller(market_subject(self.container, kind=kind, username=username, name=name), name)

    def staff(self, role: str) -> Caller:
        username = role.replace("_", "-")
        created = do_create_user(
            uow=self.container.uow(),
            actor=SYSTEM,
            env=identity_env(self.container),
            org_id=None,
            username=username,
            display_name=username,
            email=f"{username}@example.com",
            roles=frozenset({role}),
            password="Correct-Horse-7",
        )
        with self.container.engine.connect() as conn:
            user = get_user(conn, created.user_id)
        return self._caller(actor_for(user, ip="127.0.0.1", auth_method="password"))

    @cached_property
    def tenderer(self) -> Caller:
        return self.subject("tenderer", "school", "某市第一中学")

    @cached_property
    def operator(self) -> Caller:
        return self.staff("platform_operator")

    @cached_property
    def tender(self):
        return open_tender(self.container, tenderer_actor=self.tenderer.actor)

    @property
    def lot(self) -> str:
        return self.tender.lot_ids[0]

    def bidder(self, n: int) -> Caller:
        name = f"第{n}建筑工程有限公司"
        caller = self.subject("bidder", f"builder{n}", name)
        response = self.put(
            caller,
            f"/api/v1/bonds/basic-accounts/{caller.org_id}",
            json={"account_number": self.account(n), "account_name": name, "bank_name": "中国工商银行"},
        )
        assert response.status_code == 200, response.text
        return caller

    @staticmethod
    def account(n: int) -> str:
        return f"6222 {n:04d} 0000 1111"

    def get(self, caller: Caller, url: str, **kw):
        return self.client.get(url, headers=caller.headers, **kw)

    def post(self, caller: Caller, url: str, **kw):
        return self.client.post(url, headers=caller.headers, **kw)

    def put(self, caller: Caller, url: str, **kw):
        return self.client.put(url, headers=caller.headers, **kw)

    def code(self, bidder: Caller) -> str:
        response = self.post(bidder, f"/api/v1/lots/{self.lot}/bond/reference")
        assert response.status_code == 200, response.text
        return response.json()["code"]

    def statement(self, rows: list[list[str]]) -> bytes:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        return out.getvalue().encode()

    def pay(self, bidder: Caller, n: int, remark: str, amount: str = "200000.00", bank_reference: str = ""):
        row = [
            "2026-03-05 10:00:00",
            amount,
            bidder.name,
            self.account(n),
            "中国工商银行",
            bank_reference or f"TX{n}",
            remark,
        ]
        return self.upload(self.statement([row]))

    def upload(self, data: bytes, filename: str = "statement.csv"):
        return self.post(self.operator, "/api/v1/bonds/statements", files={"file": (filename, data, "text/csv")})

    def refusals(self, request_prefix: str) -> list[dict]:
        query = select(audit_entries).where(audit_entries.c.action == "auth.request").order_by(audit_entries.c.id)
        with self.container.engine.connect() as conn:
            rows = [dict(row) for row in conn.execute(query).mappings()]
        return [row for row in rows if (row["object_id"] or "").startswith(request_prefix)]
