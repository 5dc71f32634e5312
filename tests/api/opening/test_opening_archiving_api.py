"""The opening's archive items: the signed record per lot (its detached signature verifies with the platform's
published key), the opened-bids summary, a failed lot's record."""

from __future__ import annotations

import base64
import hashlib
import json

from opening_world import Opening

from zhaocai.crypto import keys
from zhaocai.opening.archiving import archive_items, audit_object_ids
from zhaocai.opening.record import RECORD_LABEL


def test_archive_items_carry_the_signed_records(opening: Opening) -> None:
    world = opening.world
    tender = world.tender(lots=2)
    full = tender.lot_ids[0]
    bids = [opening.bid(world.bidder(f"arch{i}"), tender, lot_id=full) for i in range(3)]
    opening.reach_deadline(tender)
    for bid in bids:
        assert opening.hand_over(bid.party, full, bid.keys()).status_code == 200
    with world.container.engine.connect() as conn:
        items = {item.path: item for item in archive_items(conn, tender.tender_id)}
        ids = set(audit_object_ids(conn, tender.tender_id))
    assert set(items) == {
        "opening/lot-01/whole/record.bin",
        "opening/lot-01/opened-bids.json",
        "opening/lot-02/failed.json",
    }
    record = items["opening/lot-01/whole/record.bin"]
    assert record.data is not None and record.data.startswith(RECORD_LABEL)
    assert record.sha256 == hashlib.sha256(record.data).hexdigest()
    published = world.client.get("/.well-known/zhaocai-keys.json").json()
    body = json.loads(record.data[len(RECORD_LABEL) :])
    key = next(k for k in published["keys"] if k["key_id"] == body["key_id"])
    assert record.signature_algorithm == key["algorithm"]
    keys.load_verifying_key(base64.b64decode(key["public_key"])).verify(record.signature, record.data)
    summary = json.loads(items["opening/lot-01/opened-bids.json"].data or b"[]")
    assert [b["outcome"] for b in summary] == ["opened"] * 3 and all(len(b["files"]) == 2 for b in summary)
    assert json.loads(items["opening/lot-02/failed.json"].data or b"{}")["citation"] == "条例44"
    assert tender.tender_id in ids and full in ids
