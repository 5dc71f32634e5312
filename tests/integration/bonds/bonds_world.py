"""Helpers for the bond tests: a tender opened through tendering's real use cases, bidders with basic accounts,
bank statements written as CSV and imported through the use case, and readers of statuses, inboxes and the outbox."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.bonds.queries import bond_status
from zhaocai.bonds.service import (
    do_import_bond_statement,
    do_issue_bond_reference,
    do_register_basic_account,
    store_statement,
)
from zhaocai.core.actor import Actor
from zhaocai.exchange.outbox import pending_messages
from zhaocai.identity.env import identity_env
from zhaocai.identity.repository import get_user
from zhaocai.identity.sessions import actor_for
from zhaocai.identity.users import do_create_user
from zhaocai.notifications.service import list_inbox
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
BOND = Decimal("200000.00")  # the scenario's bond per lot


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@dataclass(frozen=True)
class Bidder:
    actor: Actor
    name: str
    account: str  # its basic account number

    @property
    def org_id(self) -> str:
        return self.actor.org_id  # type: ignore[return-value]


class BondWorld:
    def __init__(self, container) -> None:
        self.container = container
        self._rows = 0

    @cached_property
    def tenderer(self) -> Actor:
        return market_subject(self.container, kind="tenderer", username="school", name="某市第一中学")

    @cached_property
    def tender(self):
        return open_tender(self.container, tenderer_actor=self.tenderer, lots=2)

    @property
    def lot(self) -> str:
        return self.tender.lot_ids[0]

    def bidder(self, n: int, *, register_account: bool = True) -> Bidder:
        name = f"第{n}建筑工程有限公司"
        actor = market_subject(self.container, kind="bidder", username=f"builder{n}", name=name)
        bidder = Bidder(actor, name, f"6222{n:04d}00001111")
        if register_account:
            do_register_basic_account(
                uow=self.uow(),
                actor=actor,
                org_id=bidder.org_id,
                account_number=bidder.account,
                account_name=name,
                bank_name="中国工商银行北京海淀支行",
            )
        return bidder

    def staff(self, username: str, role: str) -> Actor:
        created = do_create_user(
            uow=self.uow(),
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
        return actor_for(user, ip="127.0.0.1", auth_method="password")

    @cached_property
    def operator(self) -> Actor:
        return self.staff("operator", "platform_operator")

    def uow(self):
        return self.container.uow()

    def code(self, bidder: Bidder, lot_id: str | None = None) -> str:
        return do_issue_bond_reference(uow=self.uow(), actor=bidder.actor, lot_id=lot_id or self.lot).code

    def row(
        self,
        bidder: Bidder,
        remark: str,
        amount: Decimal | str = BOND,
        *,
        account: str | None = None,
        value_date: str = "2026-03-05 10:30:00",
        bank_reference: str | None = None,
    ) -> list[str]:
        self._rows += 1
        return [
            value_date,
            str(amount),
            bidder.name,
            account or bidder.account,
            "中国工商银行北京海淀支行",
            bank_reference or f"TX2026{self._rows:08d}",
            remark,
        ]

    def import_rows(self, rows: list[list[str]], **kwargs):
        return self.import_bytes(csv_bytes(rows, **kwargs))

    def import_bytes(self, data: bytes, filename: str = "statement.csv"):
        blob = store_statement(self.container.blobs, data)
        return do_import_bond_statement(uow=self.uow(), actor=self.operator, blob=blob, data=data, filename=filename)

    def status(self, bidder: Bidder, lot_id: str | None = None):
        with self.container.engine.connect() as conn:
            return bond_status(conn, lot_id or self.lot, bidder.org_id)

    def inbox(self, actor: Actor) -> list[tuple[str, str]]:
        with self.container.engine.connect() as conn:
            return [(item.subject, item.body) for item in list_inbox(conn, actor.user_id, limit=200)]

    def outbox(self, message_type: str) -> list[dict]:
        with self.container.engine.connect() as conn:
            return pending_messages(conn, message_type=message_type)

    def outcomes(self, action: str) -> list[str]:
        query = select(audit_entries.c.outcome).where(audit_entries.c.action == action).order_by(audit_entries.c.id)
        with self.container.engine.connect() as conn:
            return list(conn.execute(query).scalars())
