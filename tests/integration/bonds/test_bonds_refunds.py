"""Refunds after a withdrawal (条例35, tracked): due 5 days after it (rolled past rest days), reminded on the last day,
flagged overdue to the bidder and the platform when the period ends, and reported to supervision (EXCEPTION_REPORT)
only after the bid deadline — before it, the report would reveal a withdrawn bidder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from bonds_world import BOND

from zhaocai.bonds.model import Coverage
from zhaocai.bonds.refunds import report_overdue_refunds
from zhaocai.bonds.service import (
    do_process_bond_refunds,
    do_record_bond_guarantee,
    do_record_bond_refund,
    record_bid_withdrawn,
)
from zhaocai.bonds.views import refunds_view
from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.tendering.scheduler import do_process_due_tenders


def shanghai(day: str) -> datetime:
    """00:00 of a Shanghai day."""
    return datetime.fromisoformat(day).replace(tzinfo=UTC) - timedelta(hours=8)


def _withdraw(world, bidder, lot_id=None):
    uow = world.uow()
    with uow:
        refund_id = record_bid_withdrawn(
            uow, lot_id=lot_id or world.lot, bidder_org_id=bidder.org_id, withdrawn_at=world.container.clock.now()
        )
        uow.commit()
    return refund_id


def _process(world):
    return do_process_bond_refunds(uow_factory=world.container.uow, clock=world.container.clock)


def _paid(world, n=1):
    bidder = world.bidder(n)
    world.import_rows([world.row(bidder, world.code(bidder), bank_reference=f"PAY{n}")])
    return bidder


def test_a_withdrawal_makes_the_refund_due_in_five_days_told_to_the_bidder_and_to_the_operator_by_transaction(world):
    acme = _paid(world)
    operator = world.operator
    refund_id = _withdraw(world, acme)  # Monday 2026-03-02
    status = world.status(acme)
    [refund] = status.refunds
    assert (refund.id, refund.amount, refund.citation, refund.state) == (refund_id, BOND, "条例35", "due")
    assert refund.due_day == date(2026, 3, 9)  # 3-07 is a Saturday: the period ends on Monday (民法典203)
    assert (status.coverage, status.received) == (Coverage.UNPAID, 0)
    assert status.payments[0].refund_id == refund_id
    [(_, bidder_body)] = [m for m in world.inbox(acme.actor) if "退还" in m[0]]
    assert "2026-03-09" in bidder_body and "条例35" in bidder_body
    [(subject, body)] = world.inbox(operator)
    assert "PAY1" in body and "200000.00" in body
    terms_words = [world.tender.lot_ids[0], acme.name, acme.org_id, "标段"]
    assert not any(word in body or word in subject for word in terms_words)
    with world.container.engine.connect() as conn:
        [work] = refunds_view(conn, operator, world.container.clock.now(), open_only=True)
    assert (work.payer_bank_references, work.lot_id, work.bidder_org_id) == (("PAY1",), None, None)


def test_nothing_paid_nothing_to_refund(world):
    acme = world.bidder(1)
    world.code(acme)
    assert _withdraw(world, acme) is None
    assert world.status(acme).refunds == ()


def test_reminded_on_the_last_day_overdue_after_it_reported_only_after_the_deadline(world, clock):
    acme = _paid(world)
    operator = world.operator
    refund_id = _withdraw(world, acme)
    clock.set(shanghai("2026-03-08T23:59:59"))
    assert _process(world) == {}
    clock.set(shanghai("2026-03-09"))
    assert _process(world) == {refund_id: ["remind"]}
    assert _process(world) == {}
    clock.set(shanghai("2026-03-10"))
    assert _process(world) == {refund_id: ["flag_overdue"]}
    assert world.status(acme).refunds[0].state == "overdue"
    assert any("逾期" in subject for subject, _ in world.inbox(acme.actor))
    assert any("overdue" in subject for subject, _ in world.inbox(operator))
    assert world.outbox("EXCEPTION_REPORT") == []  # before the deadline supervision hears nothing
    clock.set(world.tender.bid_deadline - timedelta(milliseconds=1))
    assert _process(world) == {}
    clock.set(world.tender.bid_deadline)
    assert _process(world) == {refund_id: ["report"]}
    assert _process(world) == {}
    [report] = world.outbox("EXCEPTION_REPORT")
    payload = report["payload"]
    assert (payload["EXCEPTION_TYPE"], payload["EXCEPTION_BASIS"], payload["DUE_DATE"]) == (
        "bond_refund_overdue",
        "条例35",
        "2026-03-09",
    )
    assert payload["BIDDER_NAME"] == acme.name and payload["MARGIN_AMOUNT"] == "200000.00"
    assert report["object_id"] == refund_id
    assert world.outcomes("bonds.check_refund") == ["ok"] * 3


def test_the_deadline_handler_reports_overdue_refunds_in_the_deadline_transaction(world, clock, container):
    acme = _paid(world)
    refund_id = _withdraw(world, acme)
    clock.set(shanghai("2026-03-12"))
    _process(world)
    clock.set(world.tender.bid_deadline)
    do_process_due_tenders(uow_factory=container.uow, clock=clock, handlers=[report_overdue_refunds])
    [report] = world.outbox("EXCEPTION_REPORT")
    assert report["object_id"] == refund_id
    assert _process(world) == {}


def test_a_refund_made_in_time_ends_the_duty(world, clock):
    acme = _paid(world)
    refund_id = _withdraw(world, acme)
    clock.set(shanghai("2026-03-09T10:00:00"))
    made = do_record_bond_refund(uow=world.uow(), actor=world.operator, refund_id=refund_id, bank_reference="RF001")
    assert (made.state.value, made.refunded_late, made.next_check_at) == ("refunded", False, None)
    clock.set(world.tender.bid_deadline + timedelta(days=30))
    assert _process(world) == {}
    assert world.outbox("EXCEPTION_REPORT") == []
    with pytest.raises(Conflict):
        do_record_bond_refund(uow=world.uow(), actor=world.operator, refund_id=refund_id, bank_reference="RF001")


def test_a_late_refund_is_recorded_late_and_still_reported_after_the_deadline(world, clock):
    acme = _paid(world)
    refund_id = _withdraw(world, acme)
    clock.set(shanghai("2026-03-11"))
    made = do_record_bond_refund(uow=world.uow(), actor=world.operator, refund_id=refund_id, bank_reference="RF002")
    assert (made.refunded_late, made.overdue_flagged_at) == (True, clock.now())
    assert world.outbox("EXCEPTION_REPORT") == []
    clock.set(world.tender.bid_deadline)
    assert _process(world) == {refund_id: ["report"]}
    [report] = world.outbox("EXCEPTION_REPORT")
    assert report["payload"]["REFUNDED_TIME"].startswith("2026-03-11T00:00")


def test_a_cash_refund_names_its_transfer_and_only_the_operator_records_it(world):
    acme = _paid(world)
    refund_id = _withdraw(world, acme)
    with pytest.raises(ValidationFailed) as unnamed:
        do_record_bond_refund(uow=world.uow(), actor=world.operator, refund_id=refund_id)
    assert unnamed.value.field == "bank_reference"
    with pytest.raises(Forbidden):
        do_record_bond_refund(uow=world.uow(), actor=acme.actor, refund_id=refund_id, bank_reference="RF")
    assert world.outcomes("bonds.record_refund") == ["refused:invalid", "refused:role"]


def test_a_guarantee_is_released_on_withdrawal(world):
    acme = world.bidder(1)
    do_record_bond_guarantee(
        uow=world.uow(),
        actor=acme.actor,
        lot_id=world.lot,
        issuer="中国银行北京分行",
        number="BG-2026-0001",
        amount=BOND,
        beneficiary="某市第一中学",
        valid_from=date(2026, 3, 1),
        valid_until=date(2026, 12, 31),
        verification_code="A1B2C3D4",
    )
    assert world.status(acme).coverage is Coverage.COVERED
    refund_id = _withdraw(world, acme)
    status = world.status(acme)
    assert (status.coverage, status.guarantee, status.refunds[0].amount) == (Coverage.UNPAID, None, 0)
    made = do_record_bond_refund(uow=world.uow(), actor=world.operator, refund_id=refund_id)
    assert made.state.value == "refunded"
