"""At the deadline (条例34, 条例37): two bidders with the same legal representative, and a consortium member that also
bids alone, are accepted at submission exactly like anyone else (nothing leaks) and voided at the deadline — by the
tendering scheduler's deadline handler — with the reason and citation recorded on the bid and in the audit log."""

from __future__ import annotations

import pytest
from bidding_world import MS, World

from zhaocai.bidding.queries import bid_count_after_deadline
from zhaocai.core.errors import Forbidden
from zhaocai.sealing import Bidder
from zhaocai.tendering.scheduler import do_process_due_tenders

RECEIPT_FIELDS = {
    "format",
    "version",
    "platform_code",
    "key_id",
    "algorithm",
    "kind",
    "tender_id",
    "lot_id",
    "bidder",
    "bid_id",
    "bid_version",
    "envelope_sha256",
    "envelope_size",
    "header_hash",
    "suite",
    "received_at",
    "audit_entry_id",
}


def _status(party, lot: str) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    mine = party.get(f"/api/v1/lots/{lot}/my-bid").json()
    return mine["status"], mine["void_citation"]


def test_related_bidders_and_overlapping_consortia_are_voided_at_the_deadline_only(world: World) -> None:
    tender = world.tender(lots=2)
    lot1, lot2 = tender.lot_ids
    alice = world.bidder("alice", legal_representative="赵六")
    bob = world.bidder("bob", legal_representative="赵 六")  # the same person, written with a space
    carol, dave, erin = world.bidder("carol"), world.bidder("dave"), world.bidder("erin")
    bids = [
        (alice, lot1, alice.seal(tender, lot_id=lot1)),
        (bob, lot1, bob.seal(tender, lot_id=lot1)),
        (carol, lot1, carol.seal(tender, lot_id=lot1)),
        (dave, lot2, dave.seal(tender, lot_id=lot2, bidder=Bidder.consortium(dave.credit_code, [carol.credit_code]))),
        (erin, lot1, erin.seal(tender, lot_id=lot1)),
    ]
    for party, lot, envelope in bids:
        response = party.submit(lot, envelope)
        assert response.status_code == 201, response.text
        assert set(response.json()["receipt"]) == RECEIPT_FIELDS  # accepted like any other bid: nothing leaks
        assert _status(party, lot) == ("submitted", None)

    world.clock.set(tender.bid_deadline)
    run = do_process_due_tenders(uow_factory=world.container.uow, clock=world.clock)
    assert "deadline_reached" in run.applied[tender.tender_id], run
    assert _status(alice, lot1) == _status(bob, lot1) == ("void", "条例34")
    assert _status(carol, lot1) == _status(dave, lot2) == ("void", "条例37")
    assert _status(erin, lot1) == ("submitted", None)
    reason = alice.get(f"/api/v1/lots/{lot1}/my-bid").json()["void_reason"]
    assert alice.credit_code in reason and bob.credit_code in reason and "legal representative" in reason
    assert carol.credit_code in dave.get(f"/api/v1/lots/{lot2}/my-bid").json()["void_reason"]
    assert world.outcomes("bidding.void_bid") == ["ok"] * 4

    again = do_process_due_tenders(uow_factory=world.container.uow, clock=world.clock)
    assert tender.tender_id not in again.applied
    assert world.outcomes("bidding.void_bid") == ["ok"] * 4
    with world.container.engine.connect() as conn:
        assert bid_count_after_deadline(conn, lot1, world.clock.now()) == 4  # received, void ones included


def test_the_count_for_opening_is_refused_before_the_deadline(world: World) -> None:
    tender = world.tender()
    with world.container.engine.connect() as conn, pytest.raises(Forbidden) as refused:
        bid_count_after_deadline(conn, tender.lot_ids[0], tender.bid_deadline - MS)
    assert refused.value.citation == "招标投标法22; 电子招标投标办法27"
