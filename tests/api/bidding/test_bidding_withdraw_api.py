"""Withdrawal before the deadline (招标投标法29, 条例35): a signed notice naming the tender, lot, bidder, bid,
version and a nonce; the versions stay; replays, stale versions, other organisations' notices and late notices are
refused."""

from __future__ import annotations

from bidding_world import MS, World

from zhaocai.bidder import BidderClient, BidderError
from zhaocai.bidding.withdrawal_notice import sign_withdrawal


def _notice(party, tender, mine: dict, *, version: int | None = None, credentials=None) -> dict:  # type: ignore[no-untyped-def]
    creds = credentials or party.credentials["gm"]
    return sign_withdrawal(
        tender_id=tender.tender_id,
        lot_id=tender.lot_ids[0],
        bidder=party.credit_code,
        bid_id=mine["bid_id"],
        bid_version=version or mine["latest_version"],
        signing_key=creds.signing_key,
        signer_certificate_der=creds.signer_certificate_der,
    ).to_json()


def test_a_signed_withdrawal_withdraws_the_latest_version_and_keeps_every_version(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice, bob = world.bidder("alice"), world.bidder("bob")
    for version in (1, 2):
        assert alice.submit(lot, alice.seal(tender, version=version)).status_code == 201
    tool = BidderClient(http=world.client, token=alice.token)
    receipt = tool.withdraw(lot, alice.credentials["gm"])  # the bidder tool: status, sign, post, verify the receipt
    assert (receipt.body["kind"], receipt.body["bid_version"], receipt.body["citation"]) == (
        "withdrawal",
        2,
        "招标投标法29; 条例35",
    )
    mine = tool.status(lot)
    assert (mine["status"], [v["version"] for v in mine["versions"]]) == ("withdrawn", [1, 2])
    assert mine["withdrawals"][0]["receipt"] == receipt.to_json()

    url = f"/api/v1/lots/{lot}/my-bid/withdrawal"
    twice = world.client.post(url, json=_notice(alice, tender, mine), headers=alice.headers)
    assert (twice.status_code, twice.json()["error"]) == (409, "not_withdrawable")

    # a new version after the withdrawal goes in; the old notice cannot withdraw it
    assert alice.submit(lot, alice.seal(tender, version=3)).status_code == 201
    first_notice = _notice(alice, tender, mine)
    stale = world.client.post(url, json=first_notice, headers=alice.headers)
    assert (stale.status_code, stale.json()["error"]) == (409, "stale_version")
    bobs = world.client.post(
        url, json=_notice(alice, tender, tool.status(lot), credentials=bob.credentials["gm"]), headers=alice.headers
    )
    assert (bobs.status_code, bobs.json()["error"]) == (403, "signer_not_bidder")
    as_bob = world.client.post(url, json=_notice(alice, tender, tool.status(lot)), headers=bob.headers)
    assert (as_bob.status_code, as_bob.json()["error"]) == (403, "bidder_mismatch")
    latest = _notice(alice, tender, tool.status(lot))
    assert world.client.post(url, json=latest, headers=alice.headers).status_code == 201
    replayed = world.client.post(url, json=latest, headers=alice.headers)
    assert (replayed.status_code, replayed.json()["error"]) == (409, "replayed_withdrawal")
    assert world.outcomes("bidding.withdraw_bid").count("ok") == 2


def test_a_withdrawal_after_the_deadline_is_refused(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    assert alice.submit(lot, alice.seal(tender)).status_code == 201
    tool = BidderClient(http=world.client, token=alice.token)
    world.clock.set(tender.bid_deadline + MS)
    try:
        tool.withdraw(lot, alice.credentials["gm"])
        raise AssertionError("withdrawn after the deadline")
    except BidderError as error:
        assert (error.status, error.code) == (409, "deadline_passed")
    assert tool.status(lot)["status"] == "submitted"
