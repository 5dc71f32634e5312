"""Who may build, read and check archive packages, and when: refusals answered with the rule and audited."""

from __future__ import annotations

import hashlib

from archive_world import archived, members, rezip, run_tender
from bidding_world import World
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.bidding.checks import SECRECY_CITATION
from zhaocai.tendering.downloads import list_documents


def test_no_package_before_the_deadline_because_it_names_the_bidders(world: World) -> None:
    tender = world.tender()
    alice = world.bidder("alice")
    assert alice.submit(tender.lot_ids[0], alice.seal(tender)).status_code == 201
    refused = world.client.post(f"/api/v1/tenders/{tender.tender_id}/archives", headers=world.tenderer_headers())
    body = refused.json()
    assert (refused.status_code, body["error"], body["field"], body["citation"]) == (
        409,
        "not_archivable",
        "tender_id",
        SECRECY_CITATION,
    )
    assert world.outcomes("archive.build_package") == ["refused:not_archivable"]


def test_who_may_build_read_and_check_packages(world: World) -> None:
    """Bidders may neither build nor read packages; supervisors read them; an operator builds one; the platform
    checks a package handed to it against its own keys and CAs: honest → an `ok` entry, tampered → 422 naming the
    first bad item and a recorded refusal, a bidder → 403 and recorded, unverified."""
    done = archived(world, "gm")
    alice = done.parties["alice"]
    url = f"/api/v1/tenders/{done.tender.tender_id}/archives"
    built = world.client.post(url, headers=alice.headers)
    assert (built.status_code, built.json()["field"]) == (403, "role")
    assert world.outcomes("archive.build_package") == ["ok", "refused:role"]
    for path in (url, done.package["download"]):
        response = alice.get(path)
        assert (response.status_code, response.json()["error"]) == (403, "not_an_archive_reader")
    supervisor = world.staff("supervisor1", "supervisor")
    download = world.client.get(done.package["download"], headers=supervisor)
    assert download.status_code == 200 and download.content == done.data
    assert download.headers["X-Content-SHA256"] == done.package["sha256"]
    operator = world.staff("operator1", "platform_operator")
    assert world.client.post(url, headers=operator).status_code == 201

    honest = _check(world, done.data, supervisor)
    assert honest.status_code == 200, honest.text
    assert honest.json()["ok"] is True and honest.json()["package_sha256"] == done.package["sha256"]
    files = members(done.data)
    receipt = next(name for name in files if name.endswith("/receipt.bin"))
    changed = bytearray(files[receipt])
    changed[len(changed) // 2] ^= 0x20
    tampered = rezip(files | {receipt: bytes(changed)})
    refused = _check(world, tampered, supervisor)
    body = refused.json()
    assert (refused.status_code, body["error"], body["field"]) == (422, "archive_tampered", receipt)
    assert body["detail"]["category"] == "file hashes"
    assert _check(world, done.data, alice.headers).status_code == 403
    with world.container.engine.connect() as conn:
        rows = conn.execute(
            select(audit_entries.c.outcome, audit_entries.c.object_id)
            .where(audit_entries.c.action == "archive.check_package")
            .order_by(audit_entries.c.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("ok", done.package["sha256"]),
        ("refused:archive_tampered", hashlib.sha256(tampered).hexdigest()),
        ("refused:role", done.package["sha256"]),
    ]


def _check(world: World, data: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    files = {"package": ("archive.zip", data, "application/zip")}
    return world.client.post("/api/v1/archives/verify", files=files, headers=headers)


def test_unknown_tenders_and_packages_are_not_found(world: World) -> None:
    headers = world.tenderer_headers()
    missing = "0" * 26
    for response in (
        world.client.post(f"/api/v1/tenders/{missing}/archives", headers=headers),
        world.client.get(f"/api/v1/tenders/{missing}/archives", headers=headers),
        world.client.get(f"/api/v1/archives/{missing}/package", headers=headers),
    ):
        assert response.status_code == 404, response.text


def test_a_damaged_blob_stops_the_build_and_is_audited(world: World) -> None:
    tender, _ = run_tender(world, "std")
    with world.container.engine.connect() as conn:
        document = list_documents(conn, tender.tender_id)[0]
    path = world.container.blobs.path_for(document.sha256)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-1] + b"!")
    refused = world.client.post(f"/api/v1/tenders/{tender.tender_id}/archives", headers=world.tenderer_headers())
    body = refused.json()
    assert (refused.status_code, body["error"]) == (409, "archive_blob_damaged")
    assert document.sha256 in body["message"]
    assert world.outcomes("archive.build_package") == ["refused:archive_blob_damaged"]
