"""Electronic guarantees (电子保函) recorded by the bidder: for at least the bond, in the tenderer's favour, in force on
the bid deadline and for as long as the bid (条例26), verifiable; only before the deadline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from bonds_world import BOND

from zhaocai.bonds.model import Coverage
from zhaocai.bonds.service import do_record_bond_guarantee
from zhaocai.core.errors import DomainError, Forbidden, ValidationFailed

GOOD = {
    "issuer": "中国银行北京分行",
    "number": "BG-2026-0001",
    "amount": BOND,
    "beneficiary": "某市第一中学",
    "valid_from": date(2026, 3, 1),
    "valid_until": date(2026, 12, 31),
    "verification_code": "A1B2C3D4",
}


def _record(world, bidder, **changes):
    return do_record_bond_guarantee(uow=world.uow(), actor=bidder.actor, lot_id=world.lot, **(GOOD | changes))


def test_a_valid_guarantee_covers_the_bond_and_recording_it_again_changes_nothing(world):
    acme = world.bidder(1)
    first = _record(world, acme)
    again = _record(world, acme, beneficiary="某市第一中学 ")
    assert again.id == first.id
    status = world.status(acme)
    assert (status.coverage, status.guarantee.number, status.received) == (Coverage.COVERED, "BG-2026-0001", 0)
    replaced = _record(world, acme, number="BG-2026-0002", amount=Decimal("300000.00"))
    assert world.status(acme).guarantee.id == replaced.id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal("199999.99")}, "amount"),
        ({"beneficiary": "另一个招标人"}, "beneficiary"),
        ({"verification_code": "!"}, "verification_code"),
        ({"number": "x"}, "number"),
        ({"issuer": "  "}, "issuer"),
    ],
)
def test_a_guarantee_that_does_not_stand_for_the_bond_is_refused_naming_the_field(world, changes, field):
    acme = world.bidder(1)
    with pytest.raises(ValidationFailed) as refused:
        _record(world, acme, **changes)
    assert refused.value.field == field
    assert world.status(acme).coverage is Coverage.UNPAID
    assert world.outcomes("bonds.record_guarantee") == ["refused:invalid"]


def test_a_guarantee_must_be_in_force_on_the_deadline_and_as_long_as_the_bid(world):
    acme = world.bidder(1)
    deadline_day = (world.tender.bid_deadline + timedelta(hours=8)).date()
    with pytest.raises(ValidationFailed) as starts_late:
        _record(world, acme, valid_from=deadline_day + timedelta(days=1))
    assert starts_late.value.field == "valid_from"
    with pytest.raises(ValidationFailed) as ends_early:
        _record(world, acme, valid_until=deadline_day - timedelta(days=1))
    assert (ends_early.value.field, ends_early.value.citation) == ("valid_until", "条例26")
    assert _record(world, acme, valid_from=deadline_day, valid_until=deadline_day).valid_until == deadline_day


def test_after_the_deadline_no_guarantee_is_taken(world, clock):
    acme = world.bidder(1)
    clock.set(world.tender.bid_deadline)
    with pytest.raises(DomainError) as refused:
        _record(world, acme)
    assert refused.value.code == "deadline_passed"


def test_only_a_bidder_for_its_own_organisation_records_one(world):
    world.bidder(1)
    with pytest.raises(Forbidden):
        do_record_bond_guarantee(uow=world.uow(), actor=world.tenderer, lot_id=world.lot, **GOOD)
    with pytest.raises(Forbidden):
        do_record_bond_guarantee(uow=world.uow(), actor=world.operator, lot_id=world.lot, **GOOD)
    assert world.outcomes("bonds.record_guarantee") == ["refused:role", "refused:role"]


def test_an_invited_tender_takes_guarantees_and_codes_from_invitees_only(world, container):
    from zhaocai.bonds.service import do_issue_bond_reference
    from zhaocai.tendering.scenario import open_tender

    invited = [world.bidder(n) for n in (1, 2, 3)]
    outsider = world.bidder(4)
    opened = open_tender(
        container, tenderer_actor=world.tenderer, method="invited", invitees=tuple(b.org_id for b in invited)
    )
    assert do_issue_bond_reference(uow=world.uow(), actor=invited[0].actor, lot_id=opened.lot_ids[0]).code
    with pytest.raises(Forbidden) as refused:
        do_issue_bond_reference(uow=world.uow(), actor=outsider.actor, lot_id=opened.lot_ids[0])
    assert refused.value.code == "not_invited"
    with pytest.raises(Forbidden):
        do_record_bond_guarantee(uow=world.uow(), actor=outsider.actor, lot_id=opened.lot_ids[0], **GOOD)
