"""Every bad input of the opening, refused with a clear error and audited: keys before the deadline, after the
window, a wrong key, another bid's key, a zip bomb, path traversal, a symlink entry, the stored ciphertext damaged
(the platform's fault: 撤回), an opening plan changed after the deadline."""

from __future__ import annotations

import io
import os
import stat
import zipfile

from opening_world import Opening

from zhaocai.opening.queries import opened_bids


def _three(opening: Opening, **sections):  # type: ignore[no-untyped-def]
    world = opening.world
    tender = world.tender()
    parties = [world.bidder(f"party{i}") for i in range(3)]
    bids = [opening.bid(p, tender, sections=sections.get(p.username)) for p in parties]
    return tender, bids


def _zip(entries: list[tuple[str, bytes, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return out.getvalue()


REGULAR = stat.S_IFREG | 0o644
MANIFEST = b"{}"


def test_keys_before_the_deadline_are_refused_and_audited(opening: Opening) -> None:
    tender, bids = _three(opening)
    lot = tender.lot_ids[0]
    response = opening.hand_over(bids[0].party, lot, bids[0].keys())
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "before_deadline" and body["citation"] == "招标投标法22; 电子招标投标办法27"
    assert opening.world.outcomes("opening.hand_over_keys") == ["refused:before_deadline"]


def test_after_the_window_keys_are_refused_and_the_silent_bid_is_revoked(opening: Opening) -> None:
    world = opening.world
    tender, bids = _three(opening)
    lot = tender.lot_ids[0]
    opening.reach_deadline(tender)
    for bid in bids[:2]:
        assert opening.hand_over(bid.party, lot, bid.keys()).status_code == 200
    assert opening.process().closed == {}  # the window is still open: nothing to close
    world.clock.advance(__import__("datetime").timedelta(hours=2))  # the default window (no plan set)
    late = opening.hand_over(bids[2].party, lot, bids[2].keys())
    assert late.status_code == 409 and late.json()["error"] == "window_closed"
    assert late.json()["citation"] == "电子招标投标办法31"
    run = opening.process()
    assert len(run.closed) == 1
    assert opening.process().closed == {}  # idempotent
    with world.container.engine.connect() as conn:
        outcomes = {b.bidder_org_id: (b.outcome, b.outcome_citation) for b in opened_bids(conn, lot)}
    assert outcomes[bids[2].party.org_id] == ("revoked", "电子招标投标办法31")
    assert world.outcomes("opening.hand_over_keys") == ["ok", "ok", "refused:window_closed"]


def test_a_wrong_key_and_another_bids_key_are_refused_and_the_bidder_may_retry(opening: Opening) -> None:
    world = opening.world
    tender, bids = _three(opening)
    lot = tender.lot_ids[0]
    opening.reach_deadline(tender)
    wrong = opening.hand_over(bids[0].party, lot, {"whole": os.urandom(16)})
    assert wrong.status_code == 422 and wrong.json()["error"] == "key_commitment_mismatch"
    borrowed = opening.hand_over(bids[0].party, lot, bids[1].keys())  # bid B's key handed over for bid A
    assert borrowed.status_code == 422 and borrowed.json()["error"] == "key_commitment_mismatch"
    extra = opening.hand_over(bids[0].party, lot, bids[0].keys() | {"price": os.urandom(16)})
    assert extra.status_code == 422 and extra.json()["error"] == "wrong_sections"
    retry = opening.hand_over(bids[0].party, lot, bids[0].keys())
    assert retry.status_code == 200 and retry.json()["outcome"] == "opened"
    assert world.outcomes("opening.hand_over_keys") == [
        "refused:key_commitment_mismatch",
        "refused:key_commitment_mismatch",
        "refused:wrong_sections",
        "ok",
    ]


UNSAFE = {
    "bomb": [("manifest.json", MANIFEST, REGULAR), ("files/bomb.bin", b"\0" * (8 * 1024 * 1024), REGULAR)],
    "traversal": [("manifest.json", MANIFEST, REGULAR), ("files/../../../etc/cron.d/x", b"x", REGULAR)],
    "symlink": [("manifest.json", MANIFEST, REGULAR), ("files/link", b"/etc/passwd", stat.S_IFLNK | 0o777)],
    "absolute": [("manifest.json", MANIFEST, REGULAR), ("/etc/passwd", b"x", REGULAR)],
    "notzip": [],
}


def test_unsafe_bid_archives_are_refused_recorded_and_revoked(opening: Opening) -> None:
    """A zip bomb, path traversal, a symlink entry, an absolute path, a plain file: each refused at opening, the bid
    revoked (the bidder sealed it), the other bids still opened."""
    world = opening.world
    tender = world.tender()
    lot = tender.lot_ids[0]
    evil = {}
    for name, entries in UNSAFE.items():
        party = world.bidder(f"evil-{name}")
        payload = _zip(entries) if entries else b"%PDF-1.7 not an archive"
        evil[name] = opening.bid(party, tender, sections={"whole": payload})
    good = opening.bid(world.bidder("honest"), tender)
    opening.reach_deadline(tender)
    for name, bad in evil.items():
        response = opening.hand_over(bad.party, lot, bad.keys())
        assert response.status_code == 422, name
        body = response.json()
        assert body["error"] == "archive_refused" and body["citation"] == "电子招标投标办法31", name
        assert body["detail"] == {"outcome": "revoked"}
    again = opening.hand_over(evil["bomb"].party, lot, evil["bomb"].keys())
    assert again.status_code == 409 and again.json()["error"] == "already_decided"
    assert opening.hand_over(good.party, lot, good.keys()).status_code == 200  # the other bids are still opened
    with world.container.engine.connect() as conn:
        found = {b.bidder_org_id: b for b in opened_bids(conn, lot)}
    for bad in evil.values():
        assert found[bad.party.org_id].outcome == "revoked" and not found[bad.party.org_id].files
        assert "archive_refused" in (found[bad.party.org_id].outcome_reason or "")
    assert found[good.party.org_id].outcome == "opened"
    assert world.outcomes("opening.hand_over_keys") == ["refused:archive_refused"] * 5 + [
        "refused:already_decided",
        "ok",
    ]
    record = world.client.get(f"/api/v1/lots/{lot}/opening/record").json()["record"]
    assert sorted(b["outcome"] for b in record["bids"]) == ["opened"] + ["revoked"] * 5


def test_damaged_stored_ciphertext_is_the_platforms_fault(opening: Opening) -> None:
    world = opening.world
    tender, bids = _three(opening)
    lot = tender.lot_ids[0]
    opening.reach_deadline(tender)
    import hashlib

    key = hashlib.sha256(bids[0].envelope).hexdigest()
    path = world.container.blobs.path_for(key)  # the local blob store: flip one byte of the stored ciphertext
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    response = opening.hand_over(bids[0].party, lot, bids[0].keys())
    assert response.status_code == 422
    assert response.json()["error"] == "stored_envelope_damaged"
    assert response.json()["detail"] == {"outcome": "withdrawn"}
    with world.container.engine.connect() as conn:
        outcome = next(b.outcome for b in opened_bids_after_close(opening, tender, bids[1:], conn))
    assert outcome == "withdrawn"


def opened_bids_after_close(opening: Opening, tender, rest, conn):  # type: ignore[no-untyped-def]
    lot = tender.lot_ids[0]
    for bid in rest:
        assert opening.hand_over(bid.party, lot, bid.keys()).status_code == 200
    return [b for b in opened_bids(conn, lot) if b.bidder_org_id == opening.bids[0].party.org_id]


def test_the_opening_plan_is_frozen_at_the_deadline(opening: Opening) -> None:
    world = opening.world
    tender, _ = _three(opening)
    url = f"/api/v1/tenders/{tender.tender_id}/opening-plan"
    stranger = world.bidder("stranger")
    assert world.client.put(url, json={"window_minutes": 30}, headers=stranger.headers).status_code == 403
    short = world.client.put(url, json={"window_minutes": 5}, headers=world.tenderer_headers())
    assert short.status_code == 422 and short.json()["field"] == "window_minutes"
    assert "15 minutes to 3 days long" in str(short.json()), short.json()  # not "3 days, 0:00:00"
    opening.reach_deadline(tender)
    late = world.client.put(url, json={"window_minutes": 30}, headers=world.tenderer_headers())
    assert late.status_code == 409 and late.json()["error"] == "deadline_passed"
    assert world.outcomes("opening.set_plan") == [
        "refused:not_tender_party",
        "refused:invalid",
        "refused:deadline_passed",
    ]
