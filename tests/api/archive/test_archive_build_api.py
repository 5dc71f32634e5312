"""An honest package: built through the API after the deadline by the tenderer, downloaded, verified offline
against the published keys and the CA roots (both suites, both databases)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from archive_world import archived, members, write_anchors
from bidding_world import World
from sqlalchemy import select
from typer.testing import CliRunner

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.archive.anchors import load_anchors
from zhaocai.archive.cli import make_app
from zhaocai.archive.verify import AUDIT, ENVELOPES, SIGNATURES, verify_package
from zhaocai.exchange.outbox import pending_messages


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_an_honest_package_holds_the_whole_record_and_verifies_offline(
    world: World, suite: str, tmp_path: Path
) -> None:
    done = archived(world, suite)
    files = members(done.data)
    manifest = json.loads(files["manifest.json"])
    paths = {item["path"] for item in manifest["items"]}
    assert {"tendering/tender.json", "tendering/notice.json", "tendering/documents.json"} <= paths
    assert any(path.startswith("tendering/documents/tender/") for path in paths)
    envelopes = sorted(path for path in paths if path.endswith("/envelope.bin"))
    assert len(envelopes) == 5  # alice v1, v2; bob v1, v2; carol v1
    withdrawals = [path for path in paths if path.endswith("/notice.bin")]
    assert len(withdrawals) == 1
    signed = {item["path"]: item["signature"] for item in manifest["items"] if item.get("signature")}
    assert sum(path.endswith("/signed-header.bin") for path in signed) == 5
    assert sum(path.endswith("/receipt.bin") for path in signed) == 6
    assert signed[withdrawals[0]]["certificate"]  # the bidder's certificate, checked to a CA root

    anchors = load_anchors([write_anchors(world, tmp_path / "trust", suite)])
    report = verify_package(io.BytesIO(done.data), anchors)
    assert report.ok, report.first_failure
    assert sum(check.category == SIGNATURES for check in report.checks) == len(signed)
    assert [check.subject for check in report.checks if check.category == ENVELOPES] == [
        f"items/{path}" for path in sorted(envelopes)
    ]
    entries = json.loads(files["audit/entries.json"])["entries"]
    actions = {record["entry"]["action"] for record in entries}
    assert {"tendering.create_tender", "bidding.submit_bid", "bidding.withdraw_bid"} <= actions
    assert sum(check.category == AUDIT for check in report.checks) == len(entries) == done.package["audit_entry_count"]

    with world.container.engine.connect() as conn:
        outcome = conn.execute(
            select(audit_entries.c.outcome, audit_entries.c.object_id).where(
                audit_entries.c.action == "archive.build_package"
            )
        ).all()
        messages = pending_messages(conn, message_type="ARCHIVE_BUILT")
    assert [tuple(row) for row in outcome] == [("ok", done.tender.tender_id)]
    assert messages[0]["payload"]["ARCHIVE_SHA256"] == done.package["sha256"]

    # the platform builds one from the command line too; the API lists both
    out = tmp_path / "cli.zip"
    built = CliRunner().invoke(make_app(lambda: world.container), ["build", done.tender.tender_id, "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert verify_package(out, anchors).ok
    listed = world.client.get(f"/api/v1/tenders/{done.tender.tender_id}/archives", headers=done.tenderer).json()
    assert len(listed) == 2 and done.package["id"] in {package["id"] for package in listed}
    assert hashlib.sha256(out.read_bytes()).hexdigest() in {package["sha256"] for package in listed}
