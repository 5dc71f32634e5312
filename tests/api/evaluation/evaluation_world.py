"""The evaluation API tests' world: a tender whose bids were really sealed, submitted and opened (the bidding and
opening worlds), an evaluation plan set through the API before the deadline, and a committee really drawn and fixed
through the experts use cases — each expert an identity user with an API token and a signing certificate of the
tender's suite registered to its account (so that it can sign the report)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bidding_world import Party, World
from opening_world import Opening
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.experts.draws import do_commit_contribution, do_fix_committee, do_request_draw, do_reveal_contribution
from zhaocai.experts.pool import do_register_expert
from zhaocai.experts.queries import committee_for
from zhaocai.experts.selection import commitment_of
from zhaocai.tendering.scenario import OpenedTender

COMPREHENSIVE = {
    "method": "comprehensive",
    "committee_size": 5,
    "criteria": [
        {"id": "tech", "name": "施工组织设计", "envelope": "technical", "min": "0", "max": "40", "rule": "0-40 分"},
        {"id": "biz", "name": "商务条款", "envelope": "price", "min": "0", "max": "20", "rule": "0-20 分"},
    ],
    "price_points": "40",
    "price_benchmark": "lowest_valid",
    "required_declarations": ["safety_licence"],
}
LOWEST = {
    "method": "lowest_evaluated_price",
    "committee_size": 5,
    "criteria": [
        {"id": "duration", "name": "工期折算", "envelope": "technical", "min": "-50000", "max": "50000", "rule": "元"}
    ],
}


@dataclass
class Expert:
    user_id: str
    actor: Actor
    headers: dict[str, str]
    signing_key: Any
    certificate_pem: bytes
    expert_id: str = ""
    member_id: str = ""

    def sign(self, document: bytes) -> dict[str, str]:
        signature = base64.b64encode(self.signing_key.sign(document)).decode()
        return {"certificate_pem": self.certificate_pem.decode(), "signature": signature}


@dataclass
class Lot:
    tender: OpenedTender
    lot_id: str
    parties: list[Party]
    bids: list[Any]
    experts: list[Expert] = field(default_factory=list)
    bid_ids: dict[str, str] = field(default_factory=dict)  # party username -> bid id
    draw_id: str = ""


@dataclass
class EvaluationWorld:
    opening: Opening
    count: int = 0
    pool: dict[str, Expert] = field(default_factory=dict)  # user id -> every expert registered so far

    @property
    def world(self) -> World:
        return self.opening.world

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.world.client

    def tenderer(self) -> dict[str, str]:
        return self.world.tenderer_headers()

    # a lot with opened bids

    def lot(
        self,
        *,
        plan: dict[str, Any] | None = None,
        prices: tuple[str, ...] = ("1200000.00", "1100000.00", "1000000.00"),
        two_envelope: bool = False,
    ) -> Lot:
        world = self.world
        tender = world.tender(two_envelope=two_envelope)
        lot_id = tender.lot_ids[0]
        headers = self.tenderer()
        response = self.client.put(
            f"/api/v1/tenders/{tender.tender_id}/opening-plan", json={"window_minutes": 60}, headers=headers
        )
        assert response.status_code == 200, response.text
        response = self.client.put(
            f"/api/v1/lots/{lot_id}/evaluation-plan", json=plan or COMPREHENSIVE, headers=headers
        )
        assert response.status_code == 200, response.text
        parties = [world.bidder(f"e{self._next()}bidder{i}") for i in range(len(prices))]
        bids = [
            self.opening.bid(p, tender, price=price, two_envelope=two_envelope)
            for p, price in zip(parties, prices, strict=True)
        ]
        self.opening.reach_deadline(tender)
        sections = ["technical"] if two_envelope else None
        for bid in bids:
            response = self.opening.hand_over(bid.party, lot_id, bid.keys(sections))
            assert response.status_code == 200, response.text
        lot = Lot(tender, lot_id, parties, bids)
        with world.container.engine.connect() as conn:
            from zhaocai.opening.queries import opened_bids

            by_org = {b.bidder_org_id: b.bid_id for b in opened_bids(conn, lot_id)}
        lot.bid_ids = {p.username: by_org[p.org_id] for p in parties}
        return lot

    def open_prices(self, lot: Lot) -> None:
        response = self.client.post(f"/api/v1/lots/{lot.lot_id}/opening/price-stage", headers=self.tenderer())
        assert response.status_code in (200, 201), response.text
        for bid in lot.bids:
            if lot.bid_ids[bid.party.username] in self.passed(lot):
                response = self.opening.hand_over(bid.party, lot.lot_id, bid.keys(["price"]))
                assert response.status_code == 200, response.text

    def passed(self, lot: Lot) -> set[str]:
        from zhaocai.evaluation.queries import technical_result

        with self.world.container.engine.connect() as conn:
            return set(technical_result(conn, lot.lot_id) or ())

    # the committee

    def _next(self) -> int:
        self.count += 1
        return self.count

    def expert(self, suite: str) -> Expert:
        assert suite == self.world.suite, "experts sign with a certificate of the tender's suite"
        name = f"expert{self._next()}"
        made = self.world.expert_user(name, f"专家{name}")
        record = do_register_expert(
            uow=self.world.container.uow(),
            actor=SYSTEM,
            user_id=made.actor.user_id,
            name=f"专家{name}",
            specialties=["A010101"],
            region_code="110108",
            employer_name="某设计研究院",
            employer_credit_code=None,
            title="教授级高级工程师",
            senior_title=True,
            years_experience=12,
            certificate_fingerprint=made.fingerprint,
        )
        user_id = made.actor.user_id
        assert user_id is not None
        expert = Expert(user_id, made.actor, made.headers, made.signing_key, made.certificate_pem, expert_id=record.id)
        self.pool[user_id] = expert
        return expert

    def committee(self, lot: Lot, size: int = 5, reserves: int = 0) -> list[Expert]:
        """Register `size + reserves` new experts and draw the lot's committee from the whole pool (experts made
        unavailable beforehand are recused)."""
        container = self.world.container
        for _ in range(size + reserves):
            self.expert(self.world.suite)
        tenderer = self.world.tenderer
        draw = do_request_draw(
            uow=container.uow(),
            actor=tenderer,
            lot_id=lot.lot_id,
            size=size,
            experts=size,
            representatives=[],
            evaluation_at=self.world.clock.now() + timedelta(hours=2),
            reserves=reserves,
        )
        contribution = secrets.token_hex(32)
        do_commit_contribution(
            uow=container.uow(),
            actor=tenderer,
            draw_id=draw.id,
            party="tenderer",
            commitment=commitment_of(draw.hash_name, contribution),
        )
        do_reveal_contribution(
            uow=container.uow(), actor=tenderer, draw_id=draw.id, party="tenderer", contribution=contribution
        )
        do_fix_committee(uow=container.uow(), actor=tenderer, draw_id=draw.id)
        with container.engine.connect() as conn:
            committee = committee_for(conn, lot.lot_id)
        assert committee is not None
        lot.draw_id = draw.id
        return self.seat(lot)

    def seat(self, lot: Lot) -> list[Expert]:
        """The lot's active members as Experts (after a draw, or a replacement)."""
        with self.world.container.engine.connect() as conn:
            committee = committee_for(conn, lot.lot_id)
        assert committee is not None
        seated = []
        for member in committee.members:
            if member.status == "active":
                expert = self.pool[member.user_id]
                expert.member_id = member.member_id
                seated.append(expert)
        lot.experts = seated
        return seated

    def away(self, experts: list[Expert]) -> None:
        """Record the experts unavailable for the coming year: later draws recuse them."""
        from zhaocai.experts.pool import do_record_unavailability

        now = self.world.clock.now()
        for expert in experts:
            do_record_unavailability(
                uow=self.world.container.uow(),
                actor=SYSTEM,
                expert_id=expert.expert_id,
                from_at=now,
                until=now + timedelta(days=400),
                reason="另有评标任务",
            )

    # evaluation moves

    def start(self, lot: Lot, chair: Expert | None = None):  # type: ignore[no-untyped-def]
        chair = chair or lot.experts[0]
        return self.client.post(
            f"/api/v1/lots/{lot.lot_id}/evaluation", json={"chair_member_id": chair.member_id}, headers=self.tenderer()
        )

    def sheet(  # type: ignore[no-untyped-def]
        self, lot: Lot, expert: Expert, bid_id: str, scores: dict[str, str], checklist: dict | None = None
    ):
        stage = self.status(lot)["stage"]
        from zhaocai.evaluation.checklist import items_for

        answers = {item.code: {"passed": True} for item in items_for(stage)} | (checklist or {})
        return self.client.post(
            f"/api/v1/lots/{lot.lot_id}/evaluation/sheets",
            json={"bid_id": bid_id, "checklist": answers, "scores": scores},
            headers=expert.headers,
        )

    def score_all(self, lot: Lot, scores: dict[str, dict[str, str]], checklists: dict[str, dict] | None = None) -> None:
        for expert in lot.experts:
            for bid_id, bid_scores in scores.items():
                response = self.sheet(lot, expert, bid_id, bid_scores, (checklists or {}).get(bid_id))
                assert response.status_code == 201, response.text

    def status(self, lot: Lot) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation", headers=lot.experts[0].headers)
        assert response.status_code == 200, response.text
        return response.json()

    def report(self, lot: Lot, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = self.client.get(
            f"/api/v1/lots/{lot.lot_id}/evaluation/report", headers=headers or lot.experts[0].headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def sign(self, report: dict[str, Any], expert: Expert, **extra: Any):  # type: ignore[no-untyped-def]
        document = base64.b64decode(report["document"])
        return self.client.post(
            f"/api/v1/evaluation-reports/{report['id']}/signatures",
            json=expert.sign(document) | extra,
            headers=expert.headers,
        )

    def audit(self, action: str) -> list[tuple[str, str | None]]:
        query = (
            select(audit_entries.c.outcome, audit_entries.c.reason)
            .where(audit_entries.c.action == action)
            .order_by(audit_entries.c.id)
        )
        with self.world.container.engine.connect() as conn:
            return [(row.outcome, row.reason) for row in conn.execute(query)]
