"""Secrecy before the deadline (DESIGN principle 4; 招标投标法22, 电子招标投标办法27): the tender side, platform
staff and supervisors are refused bids and counts — audited, with the citation — and nothing any caller sees varies
with other bidders' activity. After the deadline the tender side and supervisors may list and count."""

from __future__ import annotations

import re

from bidding_world import World

ULID = re.compile(r"[0-9A-Z]{26}")


def _mask(text: str, own: dict[str, str]) -> str:
    """Replace the caller's own ids (tender, lot, bid, audit entry, hashes, signature) by their names."""
    for name, value in own.items():
        text = text.replace(value, f"<{name}>")
    return text


def _own_values(receipt: dict, tender_id: str, lot_id: str) -> dict[str, str]:
    body = receipt["receipt"]
    return {
        "tender": tender_id,
        "lot": lot_id,
        "bid": body["bid_id"],
        "entry": body["audit_entry_id"],
        "sha256": body["envelope_sha256"],
        "header": body["header_hash"],
        "signature": receipt["signature"],
    }


def _same_length_envelope(party, tender, length: int) -> bytes:  # type: ignore[no-untyped-def]
    """Signatures vary in DER length (70-72 bytes); seal until the envelope is as long as the one compared with."""
    while len(envelope := party.seal(tender)) != length:
        pass
    return envelope


def test_nothing_a_caller_sees_varies_with_other_bidders_activity(world: World) -> None:
    quiet, busy = world.tender(), world.tender()
    alice, bob, carol = world.bidder("alice"), world.bidder("bob"), world.bidder("carol")
    tenderer = world.tenderer_headers()
    supervisor, admin = world.staff("supervisor", "supervisor"), world.staff("sysadmin", "system_admin")
    # on the busy tender, others bid (and one of them modifies) before alice does anything
    for party in (bob, carol):
        assert party.submit(busy.lot_ids[0], party.seal(busy)).status_code == 201
    assert bob.submit(busy.lot_ids[0], bob.seal(busy, version=2)).status_code == 201

    quiet_envelope = alice.seal(quiet)
    envelopes = {
        quiet.tender_id: quiet_envelope,
        busy.tender_id: _same_length_envelope(alice, busy, len(quiet_envelope)),
    }
    seen = {}
    for tender in (quiet, busy):
        lot = tender.lot_ids[0]
        responses = [alice.get(f"/api/v1/lots/{lot}/my-bid"), alice.get(f"/api/v1/lots/{lot}/bid-requirements")]
        submitted = alice.submit(lot, envelopes[tender.tender_id])
        responses.append(submitted)
        responses.append(alice.get(f"/api/v1/lots/{lot}/my-bid"))
        for headers in (alice.headers, tenderer, supervisor, admin):
            for path in ("bids", "bids/count"):
                responses.append(world.client.get(f"/api/v1/lots/{lot}/{path}", headers=headers))
        own = _own_values(submitted.json(), tender.tender_id, lot)
        numbers = responses[1].json()
        own |= {"lot_number": numbers["lot_number"], "tender_number": numbers["tender_number"]}
        seen[tender.tender_id] = [(r.status_code, _mask(r.text, own)) for r in responses]
    assert seen[quiet.tender_id] == seen[busy.tender_id]
    refused = seen[busy.tender_id][-1]
    assert (
        refused[0] == 403 and "secret_until_deadline" in refused[1] and "招标投标法22; 电子招标投标办法27" in refused[1]
    )


def test_bids_and_counts_are_refused_to_everyone_before_the_deadline_and_audited(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    assert alice.submit(lot, alice.seal(tender)).status_code == 201
    callers = {
        "tenderer": world.tenderer_headers(),
        "supervisor": world.staff("supervisor", "supervisor"),
        "platform_operator": world.staff("operator", "platform_operator"),
        "audit_admin": world.staff("auditor", "audit_admin"),
        "bidder": alice.headers,
    }
    for headers in callers.values():
        for path in ("bids", "bids/count"):
            response = world.client.get(f"/api/v1/lots/{lot}/{path}", headers=headers)
            body = response.json()
            assert (response.status_code, body["error"], body["citation"]) == (
                403,
                "secret_until_deadline",
                "招标投标法22; 电子招标投标办法27",
            )
    assert world.outcomes("auth.request").count("refused:secret_until_deadline") == 2 * len(callers)
    for name in ("tenderer", "supervisor", "platform_operator"):  # the downloader list too (tendering's, 20号令21)
        downloaders = world.client.get(f"/api/v1/tenders/{tender.tender_id}/downloaders", headers=callers[name])
        assert downloaders.status_code == 403, downloaders.text

    world.clock.set(tender.bid_deadline)
    listed = world.client.get(f"/api/v1/lots/{lot}/bids", headers=callers["tenderer"])
    assert listed.status_code == 200 and [b["bidder_org_id"] for b in listed.json()] == [alice.org_id]
    count = world.client.get(f"/api/v1/lots/{lot}/bids/count", headers=callers["supervisor"])
    assert count.json() == {"lot_id": lot, "count": 1}
    as_bidder = world.client.get(f"/api/v1/lots/{lot}/bids", headers=alice.headers)
    assert (as_bidder.status_code, as_bidder.json()["error"]) == (403, "role")


def test_a_receipts_proof_is_for_its_own_organisation_only(world: World) -> None:
    tender = world.tender()
    alice, bob = world.bidder("alice"), world.bidder("bob")
    entry = alice.submit(tender.lot_ids[0], alice.seal(tender)).json()["receipt"]["audit_entry_id"]
    not_yet = alice.get(f"/api/v1/receipts/{entry}/proof")
    assert (not_yet.status_code, not_yet.json()["error"]) == (409, "not_yet_in_log")
    for stranger in (bob.headers, world.tenderer_headers()):
        response = world.client.get(f"/api/v1/receipts/{entry}/proof", headers=stranger)
        assert response.status_code == 404
