"""Submitting sealed bids over the API: a signed receipt naming the audit entry, modifications as new versions (only
the latest counts, all kept), idempotent retries, both suites, one- and two-envelope tenders, the backup-key remedy,
and consortia."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from bidding_world import World

from zhaocai.bidding.receipts import SignedReceipt, verify_receipt
from zhaocai.sealing import Bidder


def _receipt(response) -> SignedReceipt:  # type: ignore[no-untyped-def]
    assert response.status_code == 201, response.text
    return SignedReceipt.from_json(response.json())


def _audit(world: World, entry_id: str) -> dict:
    from sqlalchemy import select

    from zhaocai.adapters.db.tables.audit import audit_entries

    with world.container.engine.connect() as conn:
        return dict(conn.execute(select(audit_entries).where(audit_entries.c.entry_id == entry_id)).mappings().one())


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_a_bid_gets_a_receipt_signed_by_the_platform_naming_its_audit_entry(world: World, suite: str) -> None:
    world.suite = suite
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    envelope = alice.seal(tender)
    receipt = _receipt(alice.submit(lot, envelope))
    verify_receipt(receipt, world.client.get("/.well-known/zhaocai-keys.json").json())
    body = receipt.body
    assert (body["kind"], body["tender_id"], body["lot_id"], body["bidder"]) == (
        "bid",
        tender.tender_id,
        lot,
        alice.credit_code,
    )
    assert body["bid_version"] == 1 and body["suite"] == suite
    assert body["algorithm"] == {"gm": "sm2-sm3", "std": "ecdsa-p256-sha256"}[world.container.settings.crypto_suite]
    import hashlib

    assert body["envelope_sha256"] == hashlib.sha256(envelope).hexdigest() and body["envelope_size"] == len(envelope)
    entry = _audit(world, body["audit_entry_id"])
    assert (entry["action"], entry["outcome"], entry["org_id"]) == ("bidding.submit_bid", "ok", alice.org_id)
    assert entry["payload_hash"] == body["envelope_sha256"]
    with world.container.blobs.open(body["envelope_sha256"]) as stored:
        assert stored.read() == envelope  # stored byte for byte: ciphertext only
    mine = alice.get(f"/api/v1/lots/{lot}/my-bid").json()
    assert (mine["status"], mine["latest_version"], mine["bid_id"]) == ("submitted", 1, body["bid_id"])
    assert mine["versions"][0]["receipt"] == receipt.to_json()


def test_a_modification_is_a_new_version_and_only_the_latest_counts(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    first = _receipt(alice.submit(lot, alice.seal(tender, version=1)))
    second = _receipt(alice.submit(lot, alice.seal(tender, version=3)))
    assert first.body["bid_id"] == second.body["bid_id"]
    assert first.body["audit_entry_id"] != second.body["audit_entry_id"]
    mine = alice.get(f"/api/v1/lots/{lot}/my-bid").json()
    assert mine["latest_version"] == 3
    assert [v["version"] for v in mine["versions"]] == [1, 3]  # kept
    for version in mine["versions"]:
        assert world.container.blobs.verify(version["envelope_sha256"])


def test_a_retry_with_the_same_idempotency_key_returns_the_same_receipt(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    envelope = alice.seal(tender)
    first = alice.submit(lot, envelope, key="retry-1")
    again = alice.submit(lot, envelope, key="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content  # the same receipt, byte for byte
    assert len(alice.get(f"/api/v1/lots/{lot}/my-bid").json()["versions"]) == 1
    world.clock.set(tender.bid_deadline + timedelta(minutes=1))  # the response was lost; the retry comes late
    late_retry = alice.submit(lot, envelope, key="retry-1")
    assert (late_retry.status_code, late_retry.content) == (201, first.content)
    world.clock.set(tender.bid_deadline - timedelta(minutes=1))
    other = alice.submit(lot, alice.seal(tender, version=2), key="retry-1")
    assert other.status_code == 409
    assert other.json()["error"] == "idempotency_key_reused"
    assert world.outcomes("bidding.submit_bid") == ["ok", "ok", "ok", "refused:idempotency_key_reused"]


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_a_two_envelope_tender_with_the_remedy_takes_technical_and_price_with_backup_wraps(
    world: World, suite: str
) -> None:
    world.suite = suite
    tender = world.tender(two_envelope=True, backup_key_remedy=True)
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    requirements = world.client.get(f"/api/v1/lots/{lot}/bid-requirements").json()
    assert (requirements["suite"], requirements["sections"], requirements["backup_key_remedy"]) == (
        suite,
        ["technical", "price"],
        True,
    )
    sections = {"technical": b"technical part", "price": b"price part"}
    _receipt(alice.submit(lot, alice.seal(tender, sections=sections, backup=True)))
    refused = alice.submit(lot, alice.seal(tender, version=2, sections=sections, backup=False))
    assert (refused.status_code, refused.json()["error"]) == (422, "backup_wrap_missing")
    refused = alice.submit(lot, alice.seal(tender, version=2, backup=True))
    assert (refused.status_code, refused.json()["error"]) == (422, "wrong_sections")


def test_a_consortium_bid_is_submitted_by_its_lead_and_records_its_members(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    lead, member = world.bidder("lead"), world.bidder("member")
    envelope = lead.seal(tender, bidder=Bidder.consortium(lead.credit_code, [member.credit_code]))
    _receipt(lead.submit(lot, envelope))
    from sqlalchemy import select

    from zhaocai.adapters.db.tables.bidding import bid_consortium_members

    with world.container.engine.connect() as conn:
        rows = conn.execute(select(bid_consortium_members.c.org_id, bid_consortium_members.c.role)).all()
    assert sorted(rows) == sorted([(lead.org_id, "lead"), (member.org_id, "member")])
    stranger = lead.seal(tender, version=2, bidder=Bidder.consortium(lead.credit_code, ["91110108MA0000000X"]))
    refused = lead.submit(lot, stranger)
    assert refused.status_code == 403
    assert refused.json()["error"] in ("consortium_member_unknown",)


def test_bid_requirements_and_my_bid_need_no_knowledge_of_others(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    none_yet = alice.get(f"/api/v1/lots/{lot}/my-bid")
    assert (none_yet.status_code, none_yet.json()["error"]) == (404, "no_bid")
    assert world.client.get("/api/v1/lots/01NOSUCHLOT/bid-requirements").status_code == 404
    requirements = world.client.get(f"/api/v1/lots/{lot}/bid-requirements").json()
    assert requirements["accepting_bids"] is True
    assert json.loads(json.dumps(requirements))["bid_deadline"].startswith(tender.bid_deadline.date().isoformat()[:4])
