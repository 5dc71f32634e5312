"""Objections suspend the tender until answered (条例22: ≥10 days before the deadline; answer in 3 days, tracked),
supervisory directives suspend and lift (条例62), and the procedure ends by cancellation, failure or re-tender.
Timeline from open_tender at Monday 2026-03-02 09:00 Asia/Shanghai: deadline 03-24 00:00; objections to the tender
documents must come before 03-14 00:00 (10 days 03-14..03-23)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from tender_service_world import DeadlineRecorder, inbox_subjects, last_refusal, pending
from test_tender_documents_rules import download, market_staff

from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.identity.model import Role
from zhaocai.tendering.objections import objections_of
from zhaocai.tendering.queries import bidding_terms, load_aggregate
from zhaocai.tendering.scenario import open_tender
from zhaocai.tendering.service import (
    do_answer_objection,
    do_cancel_tender,
    do_lift_directive,
    do_process_due_tenders,
    do_publish_clarification,
    do_raise_objection,
    do_resume_tender,
    do_suspend_by_directive,
)

DEADLINE = datetime(2026, 3, 24, tzinfo=SHANGHAI)
OBJECTION_CUTOFF = datetime(2026, 3, 14, tzinfo=SHANGHAI)
TICK = timedelta(microseconds=1)


@pytest.fixture
def opened(container, world):
    return open_tender(container, tenderer_actor=world.tenderer)


def state(container, tender_id: str) -> str:
    with container.engine.connect() as conn:
        return load_aggregate(conn, tender_id).state.value


def test_objection_one_day_late_is_refused(container, world, clock, opened):
    clock.set(OBJECTION_CUTOFF)
    with pytest.raises(ValidationFailed) as refused:
        do_raise_objection(uow=container.uow(), actor=world.bidders[0], tender_id=opened.tender_id, objection="太晚")
    assert refused.value.citation == "条例22"
    assert last_refusal(world, "tendering.raise_objection")["object_id"] == opened.tender_id
    clock.set(OBJECTION_CUTOFF - TICK)
    do_raise_objection(uow=container.uow(), actor=world.bidders[0], tender_id=opened.tender_id, objection="刚好")
    assert state(container, opened.tender_id) == "suspended"


def test_objection_suspends_until_answered(container, world, clock, opened):
    objector = world.bidders[0]
    clock.set(datetime(2026, 3, 5, 9, tzinfo=SHANGHAI))
    objection_id = do_raise_objection(
        uow=container.uow(), actor=objector, tender_id=opened.tender_id, objection="资格条件排斥潜在投标人"
    )
    assert state(container, opened.tender_id) == "suspended"
    with container.engine.connect() as conn:
        assert not bidding_terms(conn, opened.lot_ids[0]).accepting_bids
        [view] = objections_of(conn, opened.tender_id)
    assert view.answer_due_at == datetime(2026, 3, 10, tzinfo=SHANGHAI)  # 03-06..03-08 (Sunday) → Monday 03-09
    assert not hasattr(view, "raised_by_org_id")
    assert any("异议" in subject for subject in inbox_subjects(container, world.tenderer))
    with pytest.raises(Conflict, match="unanswered"):
        do_resume_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)
    with pytest.raises(Forbidden):
        do_answer_objection(
            uow=container.uow(),
            actor=world.other_tenderer,
            tender_id=opened.tender_id,
            objection_id=objection_id,
            answer="x",
        )
    clock.set(datetime(2026, 3, 9, 17, tzinfo=SHANGHAI))
    tender = do_answer_objection(
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=opened.tender_id,
        objection_id=objection_id,
        answer="已修改资格条件",
    )
    assert tender.state == "documents_issued"  # resumed where it left off
    assert any("异议答复" in subject for subject in inbox_subjects(container, objector))
    assert pending(container, "EXCEPTION_REPORT") == []


def test_unanswered_objection_becomes_overdue_and_is_flagged(container, world, clock, opened):
    clock.set(datetime(2026, 3, 5, 9, tzinfo=SHANGHAI))
    objection_id = do_raise_objection(
        uow=container.uow(), actor=world.bidders[0], tender_id=opened.tender_id, objection="评标办法不明确"
    )

    def run():
        return do_process_due_tenders(uow_factory=container.uow, clock=clock, handlers=[DeadlineRecorder()])

    clock.set(datetime(2026, 3, 10, tzinfo=SHANGHAI) - TICK)
    assert run().applied == {}
    assert pending(container, "EXCEPTION_REPORT") == []
    clock.set(datetime(2026, 3, 10, tzinfo=SHANGHAI))
    assert run().applied == {opened.tender_id: ["objection_answer_due"]}
    assert run().applied == {}
    [report] = pending(container, "EXCEPTION_REPORT")
    assert report["payload"]["EXCEPTION_TYPE"] == "objection_answer_overdue"
    assert report["payload"]["EXCEPTION_BASIS"] == "条例22"
    assert world.bidders[0].org_id not in str(report["payload"])
    with container.engine.connect() as conn:
        [view] = objections_of(conn, opened.tender_id)
        assert load_aggregate(conn, opened.tender_id).objection(objection_id).overdue
    assert view.overdue
    clock.set(datetime(2026, 3, 11, 10, tzinfo=SHANGHAI))
    tender = do_answer_objection(
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=opened.tender_id,
        objection_id=objection_id,
        answer="迟复",
    )
    assert tender.state == "documents_issued" or tender.state == "bidding_open"
    assert tender.objection(objection_id).overdue  # a late answer stays late


def test_deadline_passed_while_suspended_must_be_moved_before_resuming(container, world, clock, opened):
    clock.set(datetime(2026, 3, 12, 9, tzinfo=SHANGHAI))
    objection_id = do_raise_objection(
        uow=container.uow(), actor=world.bidders[0], tender_id=opened.tender_id, objection="异议"
    )
    clock.set(DEADLINE + timedelta(hours=1))
    tender = do_answer_objection(
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=opened.tender_id,
        objection_id=objection_id,
        answer="答复",
    )
    assert tender.state == "suspended"
    with pytest.raises(Conflict, match="passed while suspended"):
        do_resume_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)


def test_supervisory_directive_suspends_and_lifts(container, world, clock, opened):
    supervisor = market_staff(container, "supervisor2", Role.SUPERVISOR)
    with pytest.raises(Forbidden):
        do_suspend_by_directive(
            uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id, reference="X", reason="y"
        )
    do_suspend_by_directive(
        uow=container.uow(),
        actor=supervisor,
        tender_id=opened.tender_id,
        reference="某监〔2026〕1号",
        reason="涉嫌限制排斥潜在投标人",
    )
    assert state(container, opened.tender_id) == "suspended"
    with pytest.raises(Conflict, match="directive"):
        do_resume_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)
    do_lift_directive(
        uow=container.uow(), actor=supervisor, tender_id=opened.tender_id, reference="某监〔2026〕2号", reason="已整改"
    )
    assert state(container, opened.tender_id) == "suspended"  # lifting does not resume
    do_resume_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)
    assert state(container, opened.tender_id) == "documents_issued"


def test_cancel_tells_downloaders_and_the_exchange(container, world, clock, opened):
    download(container, world.bidders[0], opened.tender_id)
    with pytest.raises(ValidationFailed):
        do_cancel_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id, reason=" ")
    do_cancel_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id, reason="项目取消")
    assert state(container, opened.tender_id) == "cancelled"
    assert any("终止招标" in subject for subject in inbox_subjects(container, world.bidders[0]))
    assert not any("终止招标" in subject for subject in inbox_subjects(container, world.bidders[1]))
    [message] = pending(container, "TENDER_TERMINATED")
    assert message["payload"]["TERMINATE_REASON"] == "项目取消"
    with pytest.raises(Conflict) as refused:
        do_publish_clarification(
            uow=container.uow(),
            actor=world.tenderer,
            tender_id=opened.tender_id,
            title="t",
            body="b",
            affects_bids=False,
        )
    assert refused.value.code == "illegal_transition"
