"""Bad input (issue 3, "Bad input and security"): every hostile or faulty upload is refused with an error naming the
reason, is audited, and disturbs no other bid — a plain file posing as a bid, flipped bytes, truncated and reordered
chunk streams, ciphertext swapped between bidders, rogue-CA, revoked, expired and wrong-usage certificates, another
organisation's certificate or envelope, a bid for a lot of another tender, replays, oversized uploads, late bids,
and subjects that may not bid at all."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bidding_world import MS, SMALL_CHUNK, World

from zhaocai.bidding.policy import POLICY_KEY, BiddingPolicy
from zhaocai.core.actor import SYSTEM
from zhaocai.credit.service import do_record_platform_affiliate, do_record_restriction
from zhaocai.rules.table import local_day
from zhaocai.sealing import read_header
from zhaocai.sealing.layout import TAG_SIZE

BIG = {"whole": bytes(range(256)) * 40}  # 10 KiB: three chunks of 4 KiB


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def _section_start(envelope: bytes) -> int:
    import io

    return read_header(io.BytesIO(envelope)).ciphertext_offset


def _swap_first_chunks(envelope: bytes) -> bytes:
    start, size = _section_start(envelope), SMALL_CHUNK + TAG_SIZE
    first, second = envelope[start : start + size], envelope[start + size : start + 2 * size]
    return envelope[:start] + second + first + envelope[start + 2 * size :]


def _flip_nonce_digit(envelope: bytes) -> bytes:
    """A header that is still canonical JSON, but not the one that was signed."""
    import io

    nonce = read_header(io.BytesIO(envelope)).nonce.hex().encode()
    at = envelope.index(nonce)
    swapped = b"1" if envelope[at : at + 1] != b"1" else b"2"
    return envelope[:at] + swapped + envelope[at + 1 :]


def test_faulty_and_hostile_envelopes_are_refused_audited_and_disturb_no_other_bid(world: World) -> None:
    tender = world.tender(lots=2)
    lot, other_lot = tender.lot_ids
    other_tender = world.tender()
    alice, bob = world.bidder("alice"), world.bidder("bob")
    bob_envelope = bob.seal(tender, sections=BIG)
    assert bob.submit(lot, bob_envelope).status_code == 201
    bob_before = bob.get(f"/api/v1/lots/{lot}/my-bid").json()

    good = alice.seal(tender, sections=BIG)
    start = _section_start(good)
    ca = world.pki.cas["gm"][0]
    revoked_credentials, revoked = world.credentials(ca, alice.credit_code)
    ca.revoke(revoked.serial, reason="keyCompromise")
    world.refresh_trust()
    expired_credentials, _ = world.credentials(
        ca, alice.credit_code, not_before=world.clock.now() - timedelta(days=5), not_after=world.clock.now() - MS
    )
    rogue_credentials, _ = world.credentials(world.pki.rogue["gm"], alice.credit_code)
    bob_certificate_credentials, _ = world.credentials(ca, bob.credit_code)
    encryption_only = alice.credentials["gm"]
    from zhaocai.bidder import Credentials
    from zhaocai.crypto import keys

    wrong_usage = Credentials(
        signing_key=keys.load_private_key(encryption_only.encryption_key or b""),
        signer_certificate=encryption_only.encryption_certificate,
        encryption_certificate=encryption_only.encryption_certificate,
    )

    cases = [
        ("plain file", lot, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 not a bid", 422, "not_an_envelope"),
        ("empty body", lot, b"", 422, "not_an_envelope"),
        ("flipped header byte", lot, _flip_nonce_digit(good), 422, "bad_signature"),
        ("flipped ciphertext byte", lot, _flip(good, len(good) - 1), 422, "ciphertext_hash_mismatch"),
        ("truncated", lot, good[:-100], 422, "truncated"),
        ("trailing bytes", lot, good + b"\x00", 422, "trailing_data"),
        ("reordered chunks", lot, _swap_first_chunks(good), 422, "ciphertext_hash_mismatch"),
        (
            "ciphertext swapped",
            lot,
            good[:start] + bob_envelope[_section_start(bob_envelope) :],
            422,
            "ciphertext_hash_mismatch",
        ),
        ("another bidder's envelope", lot, bob_envelope, 403, "bidder_mismatch"),
        (
            "another organisation's certificate",
            lot,
            alice.seal(tender, credentials=bob_certificate_credentials),
            403,
            "signer_not_bidder",
        ),
        ("sealed for another lot", other_lot, good, 422, "wrong_lot"),
        (
            "a lot of another tender",
            other_tender.lot_ids[0],
            alice.seal(tender, lot_id=other_tender.lot_ids[0]),
            422,
            "wrong_tender",
        ),
        ("the other suite", lot, alice.seal(tender, suite="std"), 422, "wrong_suite"),
        ("rogue CA", lot, alice.seal(tender, credentials=rogue_credentials), 422, "untrusted_ca"),
        ("revoked certificate", lot, alice.seal(tender, credentials=revoked_credentials), 422, "certificate_revoked"),
        ("expired certificate", lot, alice.seal(tender, credentials=expired_credentials), 422, "certificate_expired"),
        ("encryption certificate as signer", lot, alice.seal(tender, credentials=wrong_usage), 422, "wrong_key_usage"),
    ]
    for label, target, body, status, code in cases:
        response = alice.submit(target, body)
        assert (response.status_code, response.json().get("error")) == (status, code), (label, response.text)
        assert response.json()["message"], label
    refused = [outcome for outcome in world.outcomes("bidding.submit_bid") if outcome != "ok"]
    assert refused == [f"refused:{code}" for *_, code in cases]

    assert bob.get(f"/api/v1/lots/{lot}/my-bid").json() == bob_before
    assert world.container.blobs.verify(bob_before["versions"][0]["envelope_sha256"])
    assert alice.get(f"/api/v1/lots/{lot}/my-bid").status_code == 404
    assert alice.submit(lot, good).status_code == 201  # after all that, alice's own bid goes in


def test_replayed_and_rolled_back_envelopes_are_refused(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    first, second = alice.seal(tender, version=1), alice.seal(tender, version=2)
    assert alice.submit(lot, first).status_code == 201
    assert alice.submit(lot, second).status_code == 201
    for envelope, code in (
        (second, "replayed_envelope"),
        (first, "replayed_envelope"),
        (alice.seal(tender, version=2), "stale_version"),
    ):
        response = alice.submit(lot, envelope)
        assert (response.status_code, response.json()["error"]) == (409, code)
    assert alice.get(f"/api/v1/lots/{lot}/my-bid").json()["latest_version"] == 2


def test_oversized_uploads_get_413(world: World) -> None:
    world.container.extras[POLICY_KEY] = BiddingPolicy(max_envelope_bytes=4096)
    tender = world.tender()
    alice = world.bidder("alice")
    response = alice.submit(tender.lot_ids[0], alice.seal(tender, sections=BIG))
    assert (response.status_code, response.json()["error"]) == (413, "too_large")
    assert world.outcomes("bidding.submit_bid") == ["refused:too_large"]
    assert world.client.get(f"/api/v1/lots/{tender.lot_ids[0]}/bid-requirements").json()["max_envelope_bytes"] == 4096


def test_the_deadline_is_read_from_the_platform_clock_at_commit(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice, bob, carol = world.bidder("alice"), world.bidder("bob"), world.bidder("carol")
    envelopes = {party.username: party.seal(tender) for party in (alice, bob, carol)}
    world.clock.set(tender.bid_deadline - MS)
    assert alice.submit(lot, envelopes["alice"]).status_code == 201
    for moment, party in ((tender.bid_deadline, bob), (tender.bid_deadline + MS, carol)):
        world.clock.set(moment)
        response = party.submit(lot, envelopes[party.username])
        assert response.status_code == 409
        body = response.json()
        assert (body["error"], body["citation"]) == ("deadline_passed", "电子招标投标办法27")
        assert "2026-03-24T00:00:00.000+08:00" in body["message"]  # the deadline, in Beijing time
    assert world.outcomes("bidding.submit_bid") == ["ok", "refused:deadline_passed", "refused:deadline_passed"]
    with world.container.engine.connect() as conn:
        from zhaocai.bidding.queries import bid_count_after_deadline

        assert bid_count_after_deadline(conn, lot, world.clock.now()) == 1


def test_an_upload_that_straddles_the_deadline_is_refused(world: World) -> None:
    """Started before the deadline, committed after it: refused (the clock moves while the envelope streams in)."""
    from zhaocai.bidding.submission import submit_bid
    from zhaocai.core.errors import DomainError

    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    envelope = alice.seal(tender, sections=BIG)
    world.clock.set(tender.bid_deadline - timedelta(seconds=1))

    def slow_upload():  # type: ignore[no-untyped-def]
        for offset in range(0, len(envelope), 1024):
            yield envelope[offset : offset + 1024]
            if offset > len(envelope) // 2:
                world.clock.set(tender.bid_deadline + MS)

    try:
        submit_bid(world.container, alice.actor, lot, slow_upload())
        raise AssertionError("a bid committed after the deadline was accepted")
    except DomainError as error:
        assert error.code == "deadline_passed"
    assert world.outcomes("bidding.submit_bid") == ["refused:deadline_passed"]
    assert alice.get(f"/api/v1/lots/{lot}/my-bid").status_code == 404


def test_subjects_that_may_not_bid_are_refused_and_told_only_about_themselves(world: World) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    debarred, operator, tenderer = world.bidder("debarred"), world.bidder("operator-affiliate"), world.tenderer
    do_record_restriction(
        uow=world.container.uow(),
        actor=SYSTEM,
        org_id=debarred.org_id,
        kind="debarment",
        reason="串通投标",
        basis="条例67",
        from_day=local_day(world.clock.now()) - timedelta(days=1),
        until=local_day(world.clock.now()) + timedelta(days=365),
    )
    do_record_platform_affiliate(
        uow=world.container.uow(),
        actor=SYSTEM,
        org_id=operator.org_id,
        relation="operator",
        description="本平台运营单位",
    )
    response = debarred.submit(lot, debarred.seal(tender))
    body = response.json()
    assert (response.status_code, body["error"], body["citation"]) == (403, "bidder_restricted", "条例67")
    assert "your organisation may not bid" in body["message"] and "串通投标" in body["message"]
    response = operator.submit(lot, operator.seal(tender))
    assert (response.status_code, response.json()["error"]) == (403, "platform_affiliate")
    assert response.json()["citation"] == "电子招标投标办法23"
    as_tenderer = world.client.post(f"/api/v1/lots/{lot}/bids", content=b"x", headers=world.tenderer_headers())
    assert (as_tenderer.status_code, as_tenderer.json()["error"]) == (403, "role")
    assert world.outcomes("bidding.submit_bid") == [
        "refused:bidder_restricted",
        "refused:platform_affiliate",
        "refused:role",
    ]
    assert tenderer.org_id


def test_invited_tenders_take_bids_from_invitees_only(world: World) -> None:
    invitees = [world.bidder(name) for name in ("alice", "bob", "carol")]
    outsider = world.bidder("dave")
    tender = world.tender(method="invited", invitees=tuple(p.org_id for p in invitees))
    lot = tender.lot_ids[0]
    assert invitees[0].submit(lot, invitees[0].seal(tender)).status_code == 201
    response = outsider.submit(lot, outsider.seal(tender))
    assert (response.status_code, response.json()["error"], response.json()["citation"]) == (
        403,
        "not_invited",
        "招标投标法17",
    )


def test_the_receipt_names_the_hash_of_exactly_the_bytes_stored(world: World) -> None:
    tender = world.tender()
    alice = world.bidder("alice")
    envelope = alice.seal(tender)
    body = alice.submit(tender.lot_ids[0], envelope).json()["receipt"]
    assert body["envelope_sha256"] == hashlib.sha256(envelope).hexdigest()
    assert world.container.blobs.verify(body["envelope_sha256"])
