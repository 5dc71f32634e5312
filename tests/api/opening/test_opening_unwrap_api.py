"""`zhaocai bidder unwrap`: the bidder tool fetches its stored envelope header, unwraps the key of the current
stage with its own encryption key and hands over only that key."""

from __future__ import annotations

import pytest
from opening_world import Opening

from zhaocai.bidder.client import BidderClient, BidderError
from zhaocai.bidder.unwrap import unwrap_and_hand_over
from zhaocai.sealing import EnvelopeError


def test_the_bidder_tool_unwraps_locally_and_hands_over_the_key(opening: Opening, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = opening.world
    tender = world.tender()
    lot = tender.lot_ids[0]
    bids = [opening.bid(world.bidder(f"tool{i}"), tender) for i in range(3)]
    opening.reach_deadline(tender)
    party = bids[0].party
    client = BidderClient(http=world.client, token=party.token)
    key = party.credentials[world.suite].encryption_key
    result = unwrap_and_hand_over(client, lot, key)
    assert result["outcome"] == "opened" and result["sections"] == ["whole"]

    other = bids[1].party
    with pytest.raises(EnvelopeError) as wrong:  # someone else's private key opens nothing, locally
        unwrap_and_hand_over(BidderClient(http=world.client, token=other.token), lot, key)
    assert wrong.value.code == "key_unwrap_failed"
    envelope = tmp_path / "bid.zcenv"
    envelope.write_bytes(bids[1].envelope)
    own = unwrap_and_hand_over(
        BidderClient(http=world.client, token=other.token),
        lot,
        other.credentials[world.suite].encryption_key,
        envelope=envelope,
    )
    assert own["outcome"] == "opened"
    with pytest.raises(BidderError) as again:
        unwrap_and_hand_over(client, lot, key)
    assert again.value.code == "already_decided"
