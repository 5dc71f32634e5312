"""Prequalification applications withdrawn like bids before applications are due (招标投标法29 with 电子招标投标办法28:
a signed notice naming lot "prequalification", a receipt, audited); and their consortium parties stored per version
like bids', listed for the review once applications are due, and holding the bid to the same parties afterwards
(条例37: a consortium forms before it applies and does not change after prequalification)."""

from __future__ import annotations

from bidding_world import MS, World
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.bidder import BidderClient, BidderError
from zhaocai.bidding.targets import PREQUALIFICATION_LOT
from zhaocai.bidding.withdrawal_notice import sign_withdrawal
from zhaocai.sealing import Bidder
from zhaocai.tendering.scenario import complete_prequalification


def _url(tender_id: str, tail: str = "applications") -> str:
    return f"/api/v1/tenders/{tender_id}/prequalification/{tail}"


def _apply(party, tender, **seal):  # type: ignore[no-untyped-def]
    envelope = party.seal(tender, lot_id=PREQUALIFICATION_LOT, **seal)
    return party.world.client.post(_url(tender.tender_id), content=envelope, headers=party.headers)


def _notice(party, tender, mine: dict, *, lot_id: str = PREQUALIFICATION_LOT) -> dict:  # type: ignore[no-untyped-def]
    creds = party.credentials["gm"]
    return sign_withdrawal(
        tender_id=tender.tender_id,
        lot_id=lot_id,
        bidder=party.credit_code,
        bid_id=mine["bid_id"],
        bid_version=mine["latest_version"],
        signing_key=creds.signing_key,
        signer_certificate_der=creds.signer_certificate_der,
    ).to_json()


def test_an_application_is_withdrawn_with_a_signed_notice_and_may_be_submitted_again(world: World) -> None:
    tender = world.tender(prequalification=True)
    alice, bob = world.bidder("alice"), world.bidder("bob")
    assert _apply(alice, tender).status_code == 201
    tool = BidderClient(http=world.client, token=alice.token)

    receipt = tool.withdraw_application(tender.tender_id, alice.credentials["gm"])
    assert (receipt.body["kind"], receipt.body["lot_id"], receipt.body["citation"]) == (
        "prequalification_application_withdrawal",
        PREQUALIFICATION_LOT,
        "电子招标投标办法28; 招标投标法29",
    )
    mine = tool.application_status(tender.tender_id)
    assert (mine["status"], [v["version"] for v in mine["versions"]]) == ("withdrawn", [1])
    assert mine["withdrawals"][0]["receipt"] == receipt.to_json()
    with world.container.engine.connect() as conn:  # the receipt names the entry its own transaction wrote
        entry = conn.execute(
            select(audit_entries.c.action, audit_entries.c.outcome, audit_entries.c.object_type).where(
                audit_entries.c.entry_id == receipt.body["audit_entry_id"]
            )
        ).one()
    assert tuple(entry) == ("bidding.withdraw_application", "ok", "application_withdrawal")

    url = _url(tender.tender_id, "my-application/withdrawal")
    again = world.client.post(url, json=_notice(alice, tender, mine), headers=alice.headers)
    assert (again.status_code, again.json()["error"]) == (409, "not_withdrawable")
    as_bob = world.client.post(url, json=_notice(alice, tender, mine), headers=bob.headers)
    assert (as_bob.status_code, as_bob.json()["error"]) == (403, "bidder_mismatch")
    a_lot = world.client.post(url, json=_notice(alice, tender, mine, lot_id=tender.lot_ids[0]), headers=alice.headers)
    assert (a_lot.status_code, a_lot.json()["error"]) == (422, "wrong_lot")

    assert _apply(alice, tender, version=2).status_code == 201  # a new version after the withdrawal goes in
    latest = _notice(alice, tender, tool.application_status(tender.tender_id))
    assert world.client.post(url, json=latest, headers=alice.headers).status_code == 201
    replayed = world.client.post(url, json=latest, headers=alice.headers)
    assert (replayed.status_code, replayed.json()["error"]) == (409, "replayed_withdrawal")
    assert world.outcomes("bidding.withdraw_application") == [
        "ok",
        "refused:not_withdrawable",
        "refused:bidder_mismatch",
        "refused:wrong_lot",
        "ok",
        "refused:replayed_withdrawal",
    ]

    world.clock.set(tender.bid_deadline)
    listed = world.client.get(_url(tender.tender_id), headers=world.tenderer_headers())
    assert [(row["bidder_org_id"], row["status"]) for row in listed.json()] == [(alice.org_id, "withdrawn")]


def test_an_application_cannot_be_withdrawn_once_applications_are_due(world: World) -> None:
    tender = world.tender(prequalification=True)
    alice = world.bidder("alice")
    assert _apply(alice, tender).status_code == 201
    tool = BidderClient(http=world.client, token=alice.token)
    world.clock.set(tender.bid_deadline + MS)
    try:
        tool.withdraw_application(tender.tender_id, alice.credentials["gm"])
        raise AssertionError("withdrawn after applications were due")
    except BidderError as error:
        assert (error.status, error.code, error.body["citation"]) == (409, "deadline_passed", "条例17")
    assert tool.application_status(tender.tender_id)["status"] == "submitted"
    assert world.outcomes("bidding.withdraw_application") == ["refused:deadline_passed"]


def test_a_bid_withdrawal_notice_does_not_withdraw_an_application(world: World) -> None:
    tender = world.tender()
    alice = world.bidder("alice")
    refused = world.client.post(
        _url(tender.tender_id, "my-application/withdrawal"),
        json=_notice(alice, tender, {"bid_id": "01NOSUCHBID", "latest_version": 1}),
        headers=alice.headers,
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "no_prequalification")


def test_a_consortium_applies_with_its_parties_and_bids_with_the_same_ones_only(world: World) -> None:
    tender = world.tender(prequalification=True)
    lead, member, other, solo, third = (world.bidder(name) for name in ("lead", "member", "other", "solo", "third"))
    consortium = Bidder.consortium(lead.credit_code, [member.credit_code])
    assert _apply(lead, tender, bidder=consortium).status_code == 201
    assert _apply(solo, tender).status_code == 201
    assert _apply(third, tender).status_code == 201

    world.clock.set(tender.bid_deadline)
    listed = world.client.get(_url(tender.tender_id), headers=world.tenderer_headers())
    parties = {row["bidder_org_id"]: row["consortium_org_ids"] for row in listed.json()}
    assert parties == {lead.org_id: [lead.org_id, member.org_id], solo.org_id: [], third.org_id: []}

    opened = complete_prequalification(
        world.container,
        tenderer_actor=world.tenderer,
        tender_id=tender.tender_id,
        qualified_org_ids=(lead.org_id, solo.org_id, third.org_id),
    )
    lot = opened.lot_ids[0]
    changed = lead.submit(lot, lead.seal(opened, bidder=Bidder.consortium(lead.credit_code, [other.credit_code])))
    assert (changed.status_code, changed.json()["error"], changed.json()["citation"]) == (
        403,
        "consortium_changed",
        "条例37",
    )
    alone = lead.submit(lot, lead.seal(opened))
    assert (alone.status_code, alone.json()["error"]) == (403, "consortium_changed")
    grown = solo.submit(lot, solo.seal(opened, bidder=Bidder.consortium(solo.credit_code, [member.credit_code])))
    assert (grown.status_code, grown.json()["error"]) == (403, "consortium_changed")
    assert lead.submit(lot, lead.seal(opened, bidder=consortium)).status_code == 201
    assert solo.submit(lot, solo.seal(opened)).status_code == 201
    assert world.outcomes("bidding.submit_bid") == [
        "refused:consortium_changed",
        "refused:consortium_changed",
        "refused:consortium_changed",
        "ok",
        "ok",
    ]
