"""The experts tests' world: experts as identity users (role expert) with a registered signing certificate, added to
the pool by a platform operator; a lot with three sealed bids taken past its deadline into opening; and helpers to
run a draw over HTTP as the tenderer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bidding_world import Party, World
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.core.clock import SHANGHAI
from zhaocai.experts.pool import do_register_expert
from zhaocai.experts.selection import commitment_of
from zhaocai.identity import repository as identity
from zhaocai.tendering.scenario import OpenedTender
from zhaocai.tendering.scheduler import do_process_due_tenders

HASH = {"gm": "sm3", "std": "sha256"}


@dataclass
class Expert:
    id: str
    user_id: str
    actor: Actor
    headers: dict[str, str]


@dataclass
class Lot:
    tender: OpenedTender
    lot_id: str
    bidders: list[Party]


@dataclass
class Draws:
    world: World
    experts: list[Expert] = field(default_factory=list)
    _operator: dict[str, str] | None = None
    _count: int = 0

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.world.client

    @property
    def operator(self) -> dict[str, str]:
        if self._operator is None:
            self._operator = self.world.staff("operator", "platform_operator")
        return self._operator

    def expert(
        self,
        *,
        employer_credit_code: str | None = None,
        specialties: tuple[str, ...] = ("A01",),
        region: str = "110108",
        **flags: Any,
    ) -> Expert:
        self._count += 1
        made = self.world.expert_user(f"expert{self._count}", f"专家{self._count}")
        actor, fingerprint = made.actor, made.fingerprint
        record = do_register_expert(
            uow=self.world.container.uow(),
            actor=SYSTEM,
            user_id=actor.user_id,
            name=f"专家{self._count}",
            specialties=list(specialties),
            region_code=region,
            employer_name="某设计研究院",
            employer_credit_code=employer_credit_code,
            title="正高级工程师",
            senior_title=True,
            years_experience=12,
            certificate_fingerprint=fingerprint,
            **flags,
        )
        expert = Expert(record.id, record.user_id, actor, made.headers)
        self.experts.append(expert)
        return expert

    def pool(self, count: int, **options: Any) -> list[Expert]:
        return [self.expert(**options) for _ in range(count)]

    def opened_lot(self, bidders: int = 3) -> Lot:
        """A tender with `bidders` sealed bids on its lot, taken past the deadline by the platform's time job."""
        world = self.world
        tender = world.tender()
        lot_id = tender.lot_ids[0]
        parties = []
        for index in range(bidders):
            party = world.bidder(f"bidder{index}-{secrets.token_hex(2)}")
            response = party.submit(lot_id, party.seal(tender, lot_id))
            assert response.status_code == 201, response.text
            parties.append(party)
        world.clock.set(tender.bid_deadline)
        run = do_process_due_tenders(uow_factory=world.container.uow, clock=world.clock)
        assert not run.failed, run.failed
        return Lot(tender, lot_id, parties)

    def representative(self) -> str:
        """A user of the tenderer who sits on the committee as its representative."""
        tenderer = self.world.tenderer
        with self.world.container.engine.connect() as conn:
            user = identity.get_user(conn, tenderer.user_id or "")
        assert user is not None
        return user.id

    def request(self, lot: Lot, **body: Any):  # type: ignore[no-untyped-def]
        payload = {
            "size": 5,
            "experts": 5,
            # Beijing time on purpose: the transcript must carry the instant as stored, whatever zone it came in.
            "evaluation_at": (self.world.clock.now() + timedelta(days=1)).astimezone(SHANGHAI).isoformat(),
        } | body
        return self.client.post(f"/api/v1/lots/{lot.lot_id}/draws", json=payload, headers=self.world.tenderer_headers())

    def commit(self, draw_id: str, contribution: str):  # type: ignore[no-untyped-def]
        body = {"commitment": commitment_of(HASH[self.world.suite], contribution)}
        return self.client.post(
            f"/api/v1/draws/{draw_id}/commitments", json=body, headers=self.world.tenderer_headers()
        )

    def reveal(self, draw_id: str, contribution: str):  # type: ignore[no-untyped-def]
        body = {"contribution": contribution}
        return self.client.post(f"/api/v1/draws/{draw_id}/reveals", json=body, headers=self.world.tenderer_headers())

    def run(self, lot: Lot, **body: Any) -> dict[str, Any]:
        """Request, commit, reveal: the draw as the tenderer runs it."""
        response = self.request(lot, **body)
        assert response.status_code == 201, response.text
        draw_id = response.json()["id"]
        contribution = secrets.token_hex(32)
        assert self.commit(draw_id, contribution).status_code == 200
        revealed = self.reveal(draw_id, contribution)
        assert revealed.status_code == 200, revealed.text
        return revealed.json()

    def outcomes(self, action: str) -> list[str]:
        query = select(audit_entries.c.outcome).where(audit_entries.c.action == action).order_by(audit_entries.c.id)
        with self.world.container.engine.connect() as conn:
            return list(conn.execute(query).scalars())
