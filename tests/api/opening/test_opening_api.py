"""Online opening end to end through the API, on both suites and both databases: at the deadline the session opens
with the plan's window; each bidder unwraps its key locally and hands over only the key; the platform decrypts,
checks and unpacks; when the last bid is decided the record is signed, published and sent to the outbox."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from opening_world import PRICE_FILE, TECHNICAL_FILE, Opening
from sqlalchemy import select

from zhaocai.adapters.db.tables.exchange import outbox_messages
from zhaocai.core.errors import Conflict
from zhaocai.opening.queries import opened_bids, opening_record, opening_status
from zhaocai.opening.record import verify_record


def _tender_with_bids(opening: Opening, count: int = 3, **tender_options):  # type: ignore[no-untyped-def]
    world = opening.world
    tender = world.tender(**tender_options)
    headers = world.tenderer_headers()
    plan = world.client.put(
        f"/api/v1/tenders/{tender.tender_id}/opening-plan",
        json={"window_minutes": 60, "announce_reserve": True, "reserve_price": "1300000.00"},
        headers=headers,
    )
    assert plan.status_code == 200, plan.text
    parties = [world.bidder(f"bidder{i}") for i in range(count)]
    bids = [
        opening.bid(
            p, tender, price=f"{1200000 + i * 10000}.00", two_envelope=tender_options.get("two_envelope", False)
        )
        for i, p in enumerate(parties)
    ]
    return tender, bids


def _messages(world, message_type: str) -> list[dict]:  # type: ignore[no-untyped-def]
    import json

    with world.container.engine.connect() as conn:
        rows = conn.execute(select(outbox_messages.c.payload).where(outbox_messages.c.message_type == message_type))
        return [json.loads(row[0]) if isinstance(row[0], str) else row[0] for row in rows]


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_three_bids_open_and_the_signed_record_is_published(opening: Opening, suite: str) -> None:
    world = opening.world
    world.suite = suite
    tender, bids = _tender_with_bids(opening)
    lot = tender.lot_ids[0]
    assert world.client.get(f"/api/v1/lots/{lot}/opening").json()["state"] == "pending"

    opening.reach_deadline(tender)
    status = world.client.get(f"/api/v1/lots/{lot}/opening").json()
    assert status["state"] == "decrypting" and status["stage"] == "whole"
    with world.container.engine.connect() as conn, pytest.raises(Conflict) as early:
        opened_bids(conn, lot)
    assert early.value.code == "not_opened"

    for index, bid in enumerate(bids):
        response = opening.hand_over(bid.party, lot, bid.keys())
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "opened" and body["files"] == 2
        assert body["session_closed"] is (index == len(bids) - 1)

    with world.container.engine.connect() as conn:
        status_now = opening_status(conn, lot)
        found = opened_bids(conn, lot)
        record = opening_record(conn, lot)
    assert status_now.state == "closed" and status_now.record_id == record["record_id"]
    assert [b.outcome for b in found] == ["opened"] * 3
    assert sorted(b.price for b in found) == [Decimal("1200000.00"), Decimal("1210000.00"), Decimal("1220000.00")]
    first = found[0]
    assert {f.name for f in first.files} == {TECHNICAL_FILE, PRICE_FILE}
    assert first.manifests["whole"]["project_manager"]["name"] == "张三"
    assert first.signals["machine_id_hash"] == "cd" * 32 and first.signals["creation_tool"].startswith("zhaocai")
    blob = b"".join(world.container.blobs.iter_chunks(next(f.blob_key for f in first.files if f.name == PRICE_FILE)))
    assert "报价".encode() in blob

    public = world.client.get(f"/api/v1/lots/{lot}/opening/record")  # published: no login needed
    assert public.status_code == 200
    published = public.json()
    assert published["record"]["reserve_price"] == "1300000.00"  # the 标底 announced (条例50)
    assert {b["price_in_words"] for b in published["record"]["bids"]} == {b.price_in_words for b in found}
    keys = world.client.get("/.well-known/zhaocai-keys.json").json()
    verify_record(published["record"], base64.b64decode(published["signature"]), keys)
    tampered = published["record"] | {"reserve_price": "1.00"}
    with pytest.raises(Exception, match="does not verify"):
        verify_record(tampered, base64.b64decode(published["signature"]), keys)
    assert len(_messages(world, "BID_OPENING_RECORD")) == 1
    assert len(_messages(world, "BID_OPENING_STARTED")) == 1
    assert world.outcomes("opening.hand_over_keys") == ["ok"] * 3


def test_the_tender_side_and_a_bidder_read_the_opened_bids(opening: Opening) -> None:
    world = opening.world
    tender, bids = _tender_with_bids(opening)
    lot = tender.lot_ids[0]
    opening.reach_deadline(tender)
    for bid in bids:
        assert opening.hand_over(bid.party, lot, bid.keys()).status_code == 200
    everyone = world.client.get(f"/api/v1/lots/{lot}/opening/bids", headers=world.tenderer_headers())
    assert everyone.status_code == 200 and len(everyone.json()) == 3
    own = bids[0].party.get(f"/api/v1/lots/{lot}/opening/bids").json()
    assert [b["bidder_org_id"] for b in own] == [bids[0].party.org_id]
    bid_id = own[0]["bid_id"]
    file = bids[0].party.get(f"/api/v1/lots/{lot}/opening/bids/{bid_id}/files/0")
    assert file.status_code == 200 and file.content == f"{bids[0].party.username} 施工组织设计".encode() * 50
    other = bids[1].party.get(f"/api/v1/lots/{lot}/opening/bids/{bid_id}/files/0")
    assert other.status_code == 404  # another bidder's file does not exist for it
    stranger = world.bidder("stranger")
    refused = stranger.get(f"/api/v1/lots/{lot}/opening/bids")
    assert refused.status_code == 403
    supervisor = world.staff("sup", "supervisor")
    assert len(world.client.get(f"/api/v1/lots/{lot}/opening/bids", headers=supervisor).json()) == 3
