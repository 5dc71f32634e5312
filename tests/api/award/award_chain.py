"""A lot brought to its closed, signed evaluation report the way users bring it there, for the award tests: a tender
opened through tendering's use cases (or, for a project in which state funds hold control, registered over the API
with that funding), an evaluation plan set over the API before the deadline, bids really sealed and submitted (bonds
paid through the bonds use cases when asked), the deadline job, keys handed over in the opening window (a silent
bidder's bid revoked when the window ends), a committee really drawn, every member's sheets, and the report every
member signs, closed by the chair.

Imports the bidding, opening and evaluation API test worlds: put their folders on sys.path first (see conftest.py).
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from bidding_world import Party, World
from evaluation_world import COMPREHENSIVE, LOWEST, EvaluationWorld, Expert, Lot

from zhaocai.bonds.service import (
    do_import_bond_statement,
    do_issue_bond_reference,
    do_register_basic_account,
    store_statement,
)
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.evaluation.queries import EvaluationReport, final_report
from zhaocai.identity.env import identity_env
from zhaocai.identity.repository import get_organisation, get_user
from zhaocai.identity.sessions import actor_for
from zhaocai.identity.users import do_create_user
from zhaocai.opening.queries import opened_bids
from zhaocai.rules.periods import local
from zhaocai.tendering.documents import do_issue_documents, store_document
from zhaocai.tendering.model import Stage
from zhaocai.tendering.notices import do_publish_notice
from zhaocai.tendering.queries import load_aggregate
from zhaocai.tendering.scenario import LOT_BOND, LOT_ESTIMATE, OpenedTender, demo_notice, project_code, schedule
from zhaocai.tendering.tenders import LotSpec, do_create_tender

PRICES = ("9500000.00", "9650000.00", "9800000.00")
BOND = LOT_BOND
PLANS = {"comprehensive": COMPREHENSIVE, "lowest_evaluated_price": LOWEST}
TECHNICAL_SCORES = ("38", "30", "20", "15", "10")  # comprehensive: the bidders rank in the order they bid


@dataclass
class ReportedLot:
    ev: EvaluationWorld
    lot: Lot
    method: str
    priced: list[Party]  # the bidders whose keys were handed over, in the order they bid
    silent: list[Party] = field(default_factory=list)  # handed over no key: revoked at the window's end
    report: EvaluationReport | None = None

    @property
    def world(self) -> World:
        return self.ev.world

    @property
    def lot_id(self) -> str:
        return self.lot.lot_id

    @property
    def chair(self) -> Expert:
        return self.lot.experts[0]


def open_lot(
    ev: EvaluationWorld,
    *,
    prices: tuple[str, ...] = PRICES,
    method: str = "comprehensive",
    state_controlled: bool = False,
    pay_bonds: bool = False,
    silent: int = 0,
) -> ReportedLot:
    """A lot whose bids are opened: `prices` bid and hand over their keys; `silent` more bidders bid (at a higher
    price) and hand over nothing, so the window's end revokes them."""
    world = ev.world
    tender = state_controlled_tender(world) if state_controlled else world.tender()
    lot_id = tender.lot_ids[0]
    tenderer = world.tenderer_headers()
    plan = ev.client.put(
        f"/api/v1/tenders/{tender.tender_id}/opening-plan", json={"window_minutes": 60}, headers=tenderer
    )
    assert plan.status_code == 200, plan.text
    plan = ev.client.put(f"/api/v1/lots/{lot_id}/evaluation-plan", json=PLANS[method], headers=tenderer)
    assert plan.status_code == 200, plan.text
    parties = [world.bidder(f"a{ev._next()}bidder{i}") for i in range(len(prices) + silent)]
    silent_price = str(max(Decimal(p) for p in prices) + Decimal("100000.00"))
    bids = []
    for index, party in enumerate(parties):
        price = prices[index] if index < len(prices) else silent_price
        bids.append(ev.opening.bid(party, tender, price=price))
    if pay_bonds:
        pay_bid_bonds(world, lot_id, parties)
    ev.opening.reach_deadline(tender)
    for bid in bids[: len(prices)]:
        response = ev.opening.hand_over(bid.party, lot_id, bid.keys())
        assert response.status_code == 200, response.text
    if silent:
        world.clock.advance(minutes=61)  # past the opening plan's window
        ev.opening.process()
    lot = Lot(tender, lot_id, parties, bids)
    with world.container.engine.connect() as conn:
        by_org = {b.bidder_org_id: b.bid_id for b in opened_bids(conn, lot_id)}
    lot.bid_ids = {p.username: by_org[p.org_id] for p in parties}
    return ReportedLot(ev, lot, method, parties[: len(prices)], parties[len(prices) :])


def draw_committee(reported: ReportedLot) -> list[Expert]:
    """Register five experts and draw the lot's committee from them (the tenderer's contribution, fixed)."""
    return reported.ev.committee(reported.lot)


def close_report(reported: ReportedLot) -> EvaluationReport:
    """Draw the committee (unless drawn), score every opened bid, draft the report, have every member sign it and the
    chair close it; returns the lot's final report."""
    ev, lot = reported.ev, reported.lot
    experts = lot.experts or draw_committee(reported)
    started = ev.start(lot, experts[0])
    assert started.status_code == 201, started.text
    ids = [lot.bid_ids[p.username] for p in reported.priced]
    if reported.method == "comprehensive":
        scores = {bid: {"tech": TECHNICAL_SCORES[i], "biz": "10"} for i, bid in enumerate(ids)}
    else:
        scores = {bid: {"duration": "0"} for bid in ids}
    ev.score_all(lot, scores)
    drafted = ev.client.post(f"/api/v1/lots/{lot.lot_id}/evaluation/report", json={}, headers=experts[0].headers)
    assert drafted.status_code == 201, drafted.text
    report = ev.report(lot)
    for expert in experts:
        signed = ev.sign(report, expert)
        assert signed.status_code == 201, signed.text
    closed = ev.client.post(f"/api/v1/evaluation-reports/{report['id']}/close", headers=experts[0].headers)
    assert closed.status_code == 200, closed.text
    with ev.world.container.engine.connect() as conn:
        reported.report = final_report(conn, lot.lot_id)
    assert reported.report is not None
    return reported.report


def state_controlled_tender(world: World) -> OpenedTender:
    """A works tender of a project in which state funds hold control (国有资金占控股或者主导地位, 条例8/55), the
    project registered over the API with that funding; then the tender, its notice and documents as the scenario
    makes them."""
    container, now = world.container, world.clock.now()
    project = world.client.post(
        "/api/v1/projects",
        json={
            "code": project_code(now),
            "name": "国有控股新校区建设项目",
            "approval": {
                "kind": "approved",
                "authority": "某市发展和改革委员会",
                "document_number": "某发改投资〔2026〕2号",
                "approved_on": local(now).date().isoformat(),
            },
            "funding": {"total_investment": "50000000.00", "state_funded": True, "state_controlled": True},
        },
        headers=world.tenderer_headers(),
    )
    assert project.status_code == 201, project.text
    created = do_create_tender(
        uow=container.uow(),
        actor=world.tenderer,
        project_id=project.json()["id"],
        name="新校区教学楼施工",
        kind="works",
        method="open",
        organisation="self_run",
        estimate=LOT_ESTIMATE,
        lots=[LotSpec("第1标段", LOT_ESTIMATE, LOT_BOND)],
        suite=world.suite,
    )
    with container.engine.connect() as conn:
        draft = load_aggregate(conn, created.tender_id)
    assert draft.state_controlled
    sale_ends_at, deadline = schedule(draft, now, Stage.TENDER, timedelta(days=21))
    notice = demo_notice(draft, now, sale_ends_at, deadline, platform_url=container.settings.public_url)
    do_publish_notice(uow=container.uow(), actor=world.tenderer, tender_id=created.tender_id, notice=notice)
    document = store_document(
        container.blobs, filename="招标文件.txt", media_type="text/plain", source=[f"{draft.number} 招标文件".encode()]
    )
    issued = do_issue_documents(
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=created.tender_id,
        files=[document],
        sale_ends_at=sale_ends_at,
        deadline=deadline,
    )
    return OpenedTender(created.tender_id, created.lot_ids, deadline, issued.last_event_at or now)


# --- bonds -------------------------------------------------------------------------------------------------------


def account_of(party: Party) -> str:
    return f"6222{party.credit_code[-8:]}"


def pay_bid_bonds(world: World, lot_id: str, parties: list[Party]) -> None:
    """Each bidder records its basic account and takes a payment reference; the bank's statement of the transfers is
    imported by a platform operator (the bonds use cases, as in tests/integration/bonds)."""
    container = world.container
    rows = []
    for n, party in enumerate(parties, start=1):
        with container.engine.connect() as conn:
            org = get_organisation(conn, party.org_id)
        assert org is not None
        do_register_basic_account(
            uow=container.uow(),
            actor=party.actor,
            org_id=party.org_id,
            account_number=account_of(party),
            account_name=org.name,
            bank_name="中国工商银行北京海淀支行",
        )
        code = do_issue_bond_reference(uow=container.uow(), actor=party.actor, lot_id=lot_id).code
        value_date = local(world.clock.now()).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([value_date, str(BOND), org.name, account_of(party), "中国工商银行", f"TX{n:010d}", code])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["value_date", "amount", "payer_account_name", "payer_account_number", "payer_bank", "bank_reference"]
    writer.writerow([*header, "remark"])
    writer.writerows(rows)
    data = out.getvalue().encode()
    blob = store_statement(container.blobs, data)
    do_import_bond_statement(uow=container.uow(), actor=operator(world), blob=blob, data=data, filename="s.csv")


def operator(world: World) -> Actor:
    container, name = world.container, secrets.token_hex(4)
    created = do_create_user(
        uow=container.uow(),
        actor=SYSTEM,
        env=identity_env(container),
        org_id=None,
        username=f"operator{name}",
        display_name="operator",
        email=f"operator{name}@example.com",
        roles=frozenset({"platform_operator"}),
        password="Correct-Horse-7",
    )
    with container.engine.connect() as conn:
        user = get_user(conn, created.user_id)
    assert user is not None
    return actor_for(user, ip="127.0.0.1", auth_method="password")
