"""Prequalification (optional per tender): who passed is recorded and only they may obtain the tender documents and
bid; fewer than 3 passed fails the tender (条例19) and it is re-tendered. Fewer than 3 bids at the deadline fails it
too (条例44)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tender_service_world import DeadlineRecorder, pending

from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.tendering.downloads import list_documents
from zhaocai.tendering.queries import bidding_terms, load_aggregate, prequalification_terms, tender_lot_ids
from zhaocai.tendering.scenario import complete_prequalification, market_subject, open_tender
from zhaocai.tendering.service import (
    do_declare_failed,
    do_download_document,
    do_process_due_tenders,
    do_publish_prequal_result,
    do_re_tender,
)


def test_prequalified_tender_admits_only_those_who_passed(container, world, clock):
    opened = open_tender(container, tenderer_actor=world.tenderer, prequalification=True, lots=2)
    with container.engine.connect() as conn:
        terms = prequalification_terms(conn, opened.tender_id, at=clock.now())
        assert terms.state == "prequalification" and terms.accepting_applications
        assert terms.applications_due == opened.bid_deadline
        assert not prequalification_terms(conn, opened.tender_id, at=opened.bid_deadline).accepting_applications
        assert not bidding_terms(conn, opened.lot_ids[0]).accepting_bids
    passed = tuple(bidder.org_id for bidder in world.bidders)
    with pytest.raises(Conflict, match="has not come"):
        do_publish_prequal_result(
            uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id, qualified_org_ids=passed
        )
    clock.set(opened.bid_deadline)
    reopened = complete_prequalification(
        container, tenderer_actor=world.tenderer, tender_id=opened.tender_id, qualified_org_ids=passed
    )
    assert reopened.lot_ids == opened.lot_ids
    with container.engine.connect() as conn:
        terms = bidding_terms(conn, opened.lot_ids[1])
        tender_document = next(d for d in list_documents(conn, opened.tender_id) if d.stage == "tender")
    assert terms.accepting_bids and terms.prequalification
    assert terms.qualified_org_ids == passed
    outsider = market_subject(container, kind="bidder", username="latecomer")
    with pytest.raises(Forbidden, match="passed prequalification"):
        do_download_document(uow=container.uow(), actor=outsider, document_id=tender_document.id)
    do_download_document(uow=container.uow(), actor=world.bidders[0], document_id=tender_document.id)


def test_fewer_than_three_passed_fails_and_is_re_tendered(container, world, clock):
    opened = open_tender(container, tenderer_actor=world.tenderer, prequalification=True)
    clock.set(opened.bid_deadline + timedelta(hours=1))
    with pytest.raises(ValidationFailed, match="named once"):
        do_publish_prequal_result(
            uow=container.uow(),
            actor=world.tenderer,
            tender_id=opened.tender_id,
            qualified_org_ids=(world.bidders[0].org_id,) * 2,
        )
    two = tuple(bidder.org_id for bidder in world.bidders[:2])
    failed = do_publish_prequal_result(
        uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id, qualified_org_ids=two
    )
    assert failed.state == "failed" and "条例19" in failed.end_reason
    successor = do_re_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)
    with container.engine.connect() as conn:
        old = load_aggregate(conn, opened.tender_id)
        new = load_aggregate(conn, successor.tender_id)
        assert tender_lot_ids(conn, successor.tender_id) == list(successor.lot_ids)
    assert old.state == "re_tendered" and old.successor_id == successor.tender_id
    assert new.state == "draft" and new.predecessor_id == old.id and new.prequalification
    assert new.number.endswith("-002") and new.lots[0].number == new.number + "-001"
    assert new.qualified_org_ids == () and new.schedule.bid_deadline is None
    assert [m["payload"]["TENDER_STATUS"] for m in pending(container, "TENDER_TERMINATED")] == ["failed", "re_tendered"]


def test_too_few_bids_at_the_deadline_fails_the_tender(container, world, clock):
    opened = open_tender(container, tenderer_actor=world.tenderer)
    with pytest.raises(Conflict):
        do_declare_failed(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)
    clock.set(opened.bid_deadline)
    do_process_due_tenders(uow_factory=container.uow, clock=clock, handlers=[DeadlineRecorder()])
    failed = do_declare_failed(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id, reason="无人投标")
    assert failed.state == "failed"
    assert failed.end_reason.startswith("0 bidders (条例44)")
    with pytest.raises(Forbidden):
        do_re_tender(uow=container.uow(), actor=world.other_tenderer, tender_id=opened.tender_id)
    assert do_re_tender(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id).number.endswith("-002")
