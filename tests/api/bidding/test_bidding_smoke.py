from __future__ import annotations


def test_a_bid_is_accepted_with_a_signed_receipt(world) -> None:
    tender = world.tender()
    alice = world.bidder("alice")
    response = alice.submit(tender.lot_ids[0], alice.seal(tender))
    assert response.status_code == 201, response.text
    print(response.json())
