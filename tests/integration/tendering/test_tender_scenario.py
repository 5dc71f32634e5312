"""The scenario other domains build on: a tender opened for bids through the real use cases, and the terms a bid is
judged against."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tender_service_world import DeadlineRecorder

from zhaocai.exchange.outbox import pending_messages
from zhaocai.tendering.queries import bidding_terms, tender_lot_ids, tender_parties
from zhaocai.tendering.scenario import open_tender
from zhaocai.tendering.scheduler import do_process_due_tenders


def test_open_tender_gives_bidding_terms(container, world, clock):
    opened = open_tender(container, tenderer_actor=world.tenderer, lots=2, suite="std", two_envelope=True)
    assert len(opened.lot_ids) == 2
    assert opened.documents_issued_at == clock.now()
    assert opened.bid_deadline >= clock.now() + timedelta(days=21)
    with container.engine.connect() as conn:
        terms = bidding_terms(conn, opened.lot_ids[1])
        assert tender_lot_ids(conn, opened.tender_id) == list(opened.lot_ids)
        assert tender_parties(conn, opened.tender_id) == {world.tenderer.org_id}
        notices = pending_messages(conn, message_type="TENDER_NOTICE")
    assert terms.tender_id == opened.tender_id
    assert terms.lot_number == terms.tender_number + "-002"
    assert terms.state == "documents_issued"
    assert terms.accepting_bids
    assert terms.suite == "std" and terms.two_envelope and not terms.backup_key_remedy
    assert terms.bond_amount == Decimal("200000.00") and terms.estimate == Decimal("10000000.00")
    assert terms.bid_deadline == opened.bid_deadline
    assert terms.rules_date is not None
    [notice] = notices
    assert notice["payload"]["TENDER_PROJECT_CODE"] == terms.tender_number
    assert [lot["BID_SECTION_CODE"] for lot in notice["payload"]["BID_SECTIONS"]] == [
        terms.tender_number + "-001",
        terms.lot_number,
    ]
    with container.engine.connect() as conn:
        assert not bidding_terms(conn, opened.lot_ids[0], at=opened.bid_deadline).accepting_bids
        assert bidding_terms(conn, opened.lot_ids[0], at=opened.bid_deadline - timedelta(milliseconds=1)).accepting_bids


def test_scheduler_moves_the_deadline_and_runs_the_handlers_once(container, world, clock):
    opened = open_tender(container, tenderer_actor=world.tenderer)
    recorder = DeadlineRecorder()

    def run():
        return do_process_due_tenders(uow_factory=container.uow, clock=clock, handlers=[recorder])

    clock.set(opened.bid_deadline - timedelta(milliseconds=1))
    before = run()
    assert before.applied == {opened.tender_id: ["sale_period_ended"]}
    assert recorder.calls == []
    clock.set(opened.bid_deadline)
    assert run().applied == {opened.tender_id: ["deadline_reached"]}
    assert recorder.calls == [(opened.tender_id, opened.bid_deadline, True)]
    assert run().applied == {}  # idempotent
    assert len(recorder.calls) == 1
    with container.engine.connect() as conn:
        terms = bidding_terms(conn, opened.lot_ids[0])
    assert terms.state == "deadline_passed" and not terms.accepting_bids
    assert world.outcomes("tendering.apply_time_events") == ["ok", "ok"]


def test_a_failing_deadline_handler_keeps_the_tender_due(container, world, clock):
    opened = open_tender(container, tenderer_actor=world.tenderer)

    def broken(uow, tender_id, deadline):
        raise RuntimeError("bidding checks unavailable")

    clock.set(opened.bid_deadline + timedelta(seconds=1))
    run = do_process_due_tenders(uow_factory=container.uow, clock=clock, handlers=[broken])
    assert opened.tender_id in run.failed
    with container.engine.connect() as conn:
        assert bidding_terms(conn, opened.lot_ids[0]).state == "documents_issued"  # rolled back, still due
    recorder = DeadlineRecorder()
    run = do_process_due_tenders(uow_factory=container.uow, clock=clock, handlers=[recorder])
    assert run.applied == {opened.tender_id: ["sale_period_ended", "deadline_reached"]}
    assert [call[0] for call in recorder.calls] == [opened.tender_id]


def test_background_scheduler_applies_due_events(container, world, clock):
    import time

    from zhaocai.jobs import PeriodicJob
    from zhaocai.tendering.scheduler import Scheduler

    opened = open_tender(container, tenderer_actor=world.tenderer)
    clock.set(opened.bid_deadline)
    recorder = DeadlineRecorder()
    scheduler = PeriodicJob("tender-scheduler", Scheduler(container, handlers=[recorder]).run_once, 0.02).start()
    try:
        for _ in range(500):  # wait for it (no timing assert: up to 10 s, normally one interval)
            if recorder.calls:
                break
            time.sleep(0.02)
    finally:
        scheduler.stop()
    assert [call[0] for call in recorder.calls] == [opened.tender_id]
    with container.engine.connect() as conn:
        assert bidding_terms(conn, opened.lot_ids[0]).state == "deadline_passed"


def test_a_bid_in_flight_holds_off_the_deadline_transition(container, world, engine):
    """PostgreSQL: a bid transaction's shared lock on the tender makes the scheduler's update lock wait (here: fail
    at once under lock_timeout), so the deadline checks never miss a bid that commits late. SQLite serialises all
    writers anyway."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from zhaocai.tendering.repository import load_tender

    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers")
    opened = open_tender(container, tenderer_actor=world.tenderer)
    with container.engine.connect() as bid, bid.begin():
        bidding_terms(bid, opened.lot_ids[0], share_lock=True)
        with container.engine.connect() as scheduler, scheduler.begin():
            scheduler.execute(text("SET LOCAL lock_timeout = '50ms'"))
            with pytest.raises(OperationalError, match="lock"):
                load_tender(scheduler, opened.tender_id, lock=True)
    with container.engine.connect() as scheduler, scheduler.begin():  # once the bid is done, the lock is free
        assert load_tender(scheduler, opened.tender_id, lock=True).id == opened.tender_id
