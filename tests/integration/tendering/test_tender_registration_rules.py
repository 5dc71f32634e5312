"""Registering projects and tenders and publishing notices: each rule bites, naming its citation, and every refusal
is audited. Clock: Monday 2026-03-02 09:00 Asia/Shanghai."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from tender_service_world import last_refusal, pending

from zhaocai.core.errors import Forbidden, ValidationFailed
from zhaocai.tendering.model import ApprovalKind, ApprovalRecord, Funding
from zhaocai.tendering.queries import load_aggregate
from zhaocai.tendering.scenario import demo_notice, open_tender
from zhaocai.tendering.service import LotSpec, do_create_tender, do_publish_notice, do_register_project

APPROVAL = ApprovalRecord(ApprovalKind.APPROVED, "某市发展和改革委员会", "某发改投资〔2026〕3号", date(2026, 2, 1))
FUNDING = Funding(total_investment=Decimal("50000000.00"), budget_funds=Decimal("10000000.00"), state_funded=True)


def project(container, actor, code: str = "2602-110108-89-01-123456") -> str:
    return do_register_project(
        uow=container.uow(), actor=actor, code=code, name="某中学项目", approval=APPROVAL, funding=FUNDING
    )


def tender(container, actor, project_id: str, **changes):
    values = {
        "project_id": project_id,
        "name": "教学楼施工",
        "kind": "works",
        "method": "open",
        "organisation": "self_run",
        "estimate": Decimal("10000000.00"),
        "lots": [LotSpec("第1标段", Decimal("10000000.00"), Decimal("200000.00"))],
    }
    return do_create_tender(uow=container.uow(), actor=actor, **(values | changes))


def test_project_code_and_approval_are_checked(container, world):
    with pytest.raises(ValidationFailed) as refused:
        project(container, world.tenderer, code="2602-110108-89-01-12345")
    assert refused.value.field == "project_code"
    project_id = project(container, world.tenderer)
    with pytest.raises(Exception, match="already registered"):
        project(container, world.tenderer)
    assert world.outcomes("tendering.register_project") == ["refused:invalid", "ok", "refused:duplicate_project_code"]
    assert project_id


def test_must_tender_verdict_is_recorded(container, world):
    created = tender(container, world.tenderer, project(container, world.tenderer))
    assert created.mandatory
    assert created.verdict["threshold"]["citation"].startswith("16号令")
    assert any("16号令" in reason for reason in created.verdict["reasons"])
    small = tender(
        container,
        world.tenderer,
        project(container, world.tenderer, code="2602-110108-89-01-654321"),
        estimate=Decimal("1000000.00"),
        lots=[LotSpec("小标段", Decimal("1000000.00"), Decimal("20000.00"))],
    )
    assert not small.mandatory  # below the works threshold of 16号令5


def test_bond_above_two_percent_is_refused(container, world):
    project_id = project(container, world.tenderer)
    with pytest.raises(ValidationFailed) as refused:
        tender(container, world.tenderer, project_id, lots=[LotSpec("L", Decimal("10000000.00"), Decimal("200000.01"))])
    assert refused.value.field == "lots[0].bond_amount"
    assert refused.value.citation == "条例26"
    assert tender(container, world.tenderer, project_id).lot_ids  # exactly 2% is fine
    assert last_refusal(world, "tendering.create_tender")["outcome"] == "refused:invalid"


def test_invited_tender_needs_three_invitees(container, world):
    project_id = project(container, world.tenderer)
    two = [bidder.org_id for bidder in world.bidders[:2]]
    with pytest.raises(ValidationFailed) as refused:
        tender(container, world.tenderer, project_id, method="invited", invitees=two)
    assert refused.value.citation == "法17" and refused.value.field == "invitees"
    three = [bidder.org_id for bidder in world.bidders]
    assert tender(container, world.tenderer, project_id, method="invited", invitees=three).tender_id
    with pytest.raises(ValidationFailed, match="not a verified bidder"):
        tender(container, world.tenderer, project_id, method="invited", invitees=[*three[:2], world.agent.org_id])


def test_someone_elses_project_and_tender_are_refused(container, world, clock):
    project_id = project(container, world.tenderer)
    with pytest.raises(Forbidden, match="another organisation"):
        tender(container, world.other_tenderer, project_id)
    created = tender(container, world.tenderer, project_id)
    draft = _draft(container, created.tender_id)
    notice = notice_for(draft, clock)
    with pytest.raises(Forbidden) as refused:
        do_publish_notice(uow=container.uow(), actor=world.other_tenderer, tender_id=created.tender_id, notice=notice)
    assert refused.value.code == "other_organisation"
    entry = last_refusal(world, "tendering.publish_notice")
    assert entry["outcome"] == "refused:other_organisation"
    assert entry["object_id"] == created.tender_id
    assert entry["org_id"] == world.other_tenderer.org_id
    with pytest.raises(Forbidden):  # a bidder cannot act for a tender either
        do_publish_notice(uow=container.uow(), actor=world.bidders[0], tender_id=created.tender_id, notice=notice)


def test_appointed_agency_acts_and_notice_is_checked(container, world, clock):
    project_id = project(container, world.tenderer)
    created = tender(container, world.tenderer, project_id, organisation="agency", agent_org_id=world.agent.org_id)
    draft = _draft(container, created.tender_id)
    good = notice_for(draft, clock)
    with pytest.raises(ValidationFailed) as refused:
        do_publish_notice(
            uow=container.uow(),
            actor=world.agent,
            tender_id=created.tender_id,
            notice=replace(good, agent=None, platform_url="ftp://x"),
        )
    assert refused.value.citation == "10号令5"
    assert refused.value.detail["missing"][-2:] == ["agent.phone", "platform_url"]
    assert pending(container, "TENDER_NOTICE") == []
    published = do_publish_notice(uow=container.uow(), actor=world.agent, tender_id=created.tender_id, notice=good)
    assert published.state == "notice_published"
    [message] = pending(container, "TENDER_NOTICE")
    assert message["payload"]["TENDER_ORGANIZE_FORM"] == "2"
    assert message["object_id"] == created.tender_id


def test_invitees_are_sent_the_invitation(container, world):
    from tender_service_world import inbox_subjects

    invitees = tuple(bidder.org_id for bidder in world.bidders)
    open_tender(container, tenderer_actor=world.tenderer, method="invited", invitees=invitees)
    for bidder in world.bidders:
        assert any("投标邀请书" in subject for subject in inbox_subjects(container, bidder))


def notice_for(draft, clock):
    now = clock.now()
    return demo_notice(
        draft, now, now + timedelta(days=8), now + timedelta(days=22), platform_url="https://zc.example.cn"
    )


def _draft(container, tender_id):
    with container.engine.connect() as conn:
        return load_aggregate(conn, tender_id)


def test_documents_schedule_one_day_short_is_refused(container, world, clock):
    """Issued Monday 03-02 09:00: the sale runs to 03-10 00:00 at the earliest (5 days 03-03..03-07, Saturday rolls to
    Monday 03-09; 条例16) and bids are due 03-24 00:00 at the earliest (20 days 03-03..03-22, Sunday → 03-23; 法24)."""
    from tender_service_world import document

    from zhaocai.core.clock import SHANGHAI
    from zhaocai.tendering.service import do_issue_documents

    created = tender(container, world.tenderer, project(container, world.tenderer))
    draft = _draft(container, created.tender_id)
    do_publish_notice(
        uow=container.uow(), actor=world.tenderer, tender_id=created.tender_id, notice=notice_for(draft, clock)
    )
    sale_ends, deadline = datetime(2026, 3, 10, tzinfo=SHANGHAI), datetime(2026, 3, 24, tzinfo=SHANGHAI)
    day = timedelta(days=1)

    def issue(sale_ends_at, bid_deadline):
        return do_issue_documents(
            uow=container.uow(),
            actor=world.tenderer,
            tender_id=created.tender_id,
            files=[document(container)],
            sale_ends_at=sale_ends_at,
            deadline=bid_deadline,
        )

    with pytest.raises(ValidationFailed) as short_sale:
        issue(sale_ends - day, deadline)
    assert (short_sale.value.field, short_sale.value.citation) == ("sale_ends_at", "条例16")
    with pytest.raises(ValidationFailed) as short_deadline:
        issue(sale_ends, deadline - day)
    assert (short_deadline.value.field, short_deadline.value.citation) == ("bid_deadline", "法24")
    with pytest.raises(ValidationFailed) as naive:
        issue(sale_ends, deadline.replace(tzinfo=None))
    assert naive.value.field == "deadline"
    assert issue(sale_ends, deadline).state == "documents_issued"
    assert world.outcomes("tendering.issue_documents") == ["refused:invalid"] * 3 + ["ok"]


def test_a_concurrent_change_is_refused_not_lost(container, world):
    from zhaocai.core.errors import Conflict
    from zhaocai.tendering.repository import load_tender, save_tender

    created = tender(container, world.tenderer, project(container, world.tenderer))
    with container.engine.begin() as conn:
        first = load_tender(conn, created.tender_id)
        second = load_tender(conn, created.tender_id)
        save_tender(conn, first, replace(first.tender, name="甲"), now=first.tender.last_event_at or _now(container))
        with pytest.raises(Conflict) as refused:
            save_tender(conn, second, replace(second.tender, name="乙"), now=_now(container))
    assert refused.value.code == "concurrent_update"
    assert _draft(container, created.tender_id).name == "甲"


def _now(container):
    return container.clock.now()
