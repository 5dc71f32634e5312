"""Prequalification applications (资格预审申请文件), sealed and submitted exactly like bids (电子招标投标办法28): the
envelope's lot_id is "prequalification"; taken until applications are due (条例17), secret until then like bids
(招标投标法22; 电子招标投标办法27), refused on a tender without prequalification; and a tender still in
prequalification takes no bids."""

from __future__ import annotations

from bidding_world import MS, World

from zhaocai.bidding.targets import PREQUALIFICATION_LOT


def _url(tender_id: str, tail: str = "applications") -> str:
    return f"/api/v1/tenders/{tender_id}/prequalification/{tail}"


def _apply(party, tender, envelope: bytes, *, key: str | None = None):  # type: ignore[no-untyped-def]
    headers = party.headers | ({"Idempotency-Key": key} if key else {})
    return party.world.client.post(_url(tender.tender_id), content=envelope, headers=headers)


def test_an_application_is_taken_until_applications_are_due_and_refused_1_ms_after(world: World) -> None:
    tender = world.tender(prequalification=True)
    alice, bob = world.bidder("alice"), world.bidder("bob")

    world.clock.set(tender.bid_deadline - MS)
    accepted = _apply(alice, tender, alice.seal(tender, lot_id=PREQUALIFICATION_LOT), key="apply-1")
    assert accepted.status_code == 201, accepted.text
    receipt = accepted.json()["receipt"]
    assert receipt["kind"] == "prequalification_application"
    assert (receipt["tender_id"], receipt["lot_id"], receipt["bidder"]) == (
        tender.tender_id,
        PREQUALIFICATION_LOT,
        alice.credit_code,
    )
    mine = alice.get(_url(tender.tender_id, "my-application"))
    assert mine.status_code == 200, mine.text
    assert (mine.json()["status"], mine.json()["latest_version"]) == ("submitted", 1)
    assert mine.json()["versions"][0]["receipt"] == accepted.json()

    world.clock.set(tender.bid_deadline + MS)
    late = _apply(bob, tender, bob.seal(tender, lot_id=PREQUALIFICATION_LOT))
    assert late.status_code == 409, late.text
    assert (late.json()["error"], late.json()["citation"]) == ("deadline_passed", "条例17")
    assert world.outcomes("bidding.submit_application") == ["ok", "refused:deadline_passed"]
    assert bob.get(_url(tender.tender_id, "my-application")).status_code == 404


def test_an_idempotent_retry_returns_the_same_receipt_and_a_higher_version_replaces_it(world: World) -> None:
    tender = world.tender(prequalification=True)
    alice = world.bidder("alice")
    envelope = alice.seal(tender, lot_id=PREQUALIFICATION_LOT)
    first = _apply(alice, tender, envelope, key="same-key")
    again = _apply(alice, tender, envelope, key="same-key")
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    other = _apply(alice, tender, alice.seal(tender, lot_id=PREQUALIFICATION_LOT, version=2), key="same-key")
    assert (other.status_code, other.json()["error"]) == (409, "idempotency_key_reused")

    resubmitted = _apply(alice, tender, alice.seal(tender, lot_id=PREQUALIFICATION_LOT, version=2))
    assert resubmitted.status_code == 201, resubmitted.text
    assert resubmitted.json()["receipt"]["bid_id"] == first.json()["receipt"]["bid_id"]
    assert alice.get(_url(tender.tender_id, "my-application")).json()["latest_version"] == 2


def test_an_envelope_sealed_for_a_lot_is_not_an_application(world: World) -> None:
    tender = world.tender(prequalification=True)
    alice = world.bidder("alice")
    refused = _apply(alice, tender, alice.seal(tender))  # lot_id: the tender's first lot
    assert (refused.status_code, refused.json()["error"]) == (422, "wrong_lot")


def test_a_tender_without_prequalification_takes_no_applications(world: World) -> None:
    tender = world.tender()
    alice = world.bidder("alice")
    refused = _apply(alice, tender, alice.seal(tender, lot_id=PREQUALIFICATION_LOT))
    assert refused.status_code == 409, refused.text
    assert (refused.json()["error"], refused.json()["citation"]) == ("no_prequalification", "电子招标投标办法28")


def test_a_tender_still_in_prequalification_takes_no_bids(world: World) -> None:
    tender = world.tender(prequalification=True)
    alice = world.bidder("alice")
    refused = alice.submit(tender.lot_ids[0], alice.seal(tender))
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "not_accepting_bids"


def test_applications_are_secret_until_due_then_listed_for_the_tender_side(world: World) -> None:
    tender = world.tender(prequalification=True)
    alice, bob = world.bidder("alice"), world.bidder("bob")
    assert _apply(alice, tender, alice.seal(tender, lot_id=PREQUALIFICATION_LOT)).status_code == 201
    tenderer = world.tenderer_headers()

    before = world.client.get(_url(tender.tender_id), headers=tenderer)
    assert before.status_code == 403, before.text
    assert before.json()["error"] == "secret_until_deadline"
    assert "招标投标法22" in before.json()["citation"]
    assert bob.get(_url(tender.tender_id)).status_code == 403  # another applicant: refused alike
    assert bob.get(_url(tender.tender_id, "my-application")).status_code == 404  # tells bob nothing about alice

    world.clock.set(tender.bid_deadline)
    listed = world.client.get(_url(tender.tender_id), headers=tenderer)
    assert listed.status_code == 200, listed.text
    assert [row["bidder_org_id"] for row in listed.json()] == [alice.org_id]
    assert bob.get(_url(tender.tender_id)).status_code == 403  # a bidder is never the tender's side


def test_the_bidder_tool_submits_an_application_and_checks_its_receipt(world: World, tmp_path) -> None:
    from zhaocai.bidder import BidderClient

    tender = world.tender(prequalification=True)
    alice = world.bidder("alice")
    envelope = tmp_path / "application.zcenv"
    envelope.write_bytes(alice.seal(tender, lot_id=PREQUALIFICATION_LOT))
    client = BidderClient(str(world.client.base_url), alice.token, http=world.client)
    receipt = client.submit_application(tender.tender_id, envelope)
    assert (receipt.body["kind"], receipt.body["lot_id"]) == ("prequalification_application", PREQUALIFICATION_LOT)
    assert alice.get(_url(tender.tender_id, "my-application")).json()["versions"][0]["receipt"] == receipt.to_json()
