"""Two-envelope lots (技术标/商务报价分开加密): the deadline opens only the technical sections; a price key is refused
then, no price is read; the price stage waits for the technical evaluation's result (zhaocai.evaluation)."""

from __future__ import annotations

from opening_world import Opening

from zhaocai.opening.queries import opened_bids


def test_the_first_stage_opens_technical_sections_only(opening: Opening) -> None:
    world = opening.world
    tender = world.tender(two_envelope=True)
    lot = tender.lot_ids[0]
    bids = [opening.bid(world.bidder(f"twoenv{i}"), tender, two_envelope=True) for i in range(3)]
    opening.reach_deadline(tender)
    status = world.client.get(f"/api/v1/lots/{lot}/opening").json()
    assert status["stage"] == "technical" and status["state"] == "decrypting"
    early_price = opening.hand_over(bids[0].party, lot, bids[0].keys(["price"]))
    assert early_price.status_code == 422 and early_price.json()["error"] == "wrong_sections"
    for bid in bids:
        response = opening.hand_over(bid.party, lot, bid.keys(["technical"]))
        assert response.status_code == 200, response.text
    with world.container.engine.connect() as conn:
        found = opened_bids(conn, lot)
    assert {b.sections_opened for b in found} == {("technical",)}
    assert all(b.price is None and "price" not in b.manifests for b in found)
    record = world.client.get(f"/api/v1/lots/{lot}/opening/record?stage=technical").json()["record"]
    assert all(b["price"] is None for b in record["bids"]) and "reserve_price" not in record

    not_yet = world.client.post(f"/api/v1/lots/{lot}/opening/price-stage", headers=world.tenderer_headers())
    assert not_yet.status_code == 409 and not_yet.json()["error"] == "technical_evaluation_pending"
    by_bidder = world.client.post(f"/api/v1/lots/{lot}/opening/price-stage", headers=bids[0].party.headers)
    assert by_bidder.status_code == 403
    assert world.outcomes("opening.start_price_opening") == [
        "refused:technical_evaluation_pending",
        "refused:not_tender_party",
    ]
