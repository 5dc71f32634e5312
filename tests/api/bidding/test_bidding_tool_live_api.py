"""The bidder tool's command line against a real uvicorn server on 127.0.0.1: `documents` lists a tender's documents
(by tender or by one of its lots) and downloads one, checked against its listed SHA-256 and logged for the bidder's
organisation; `withdraw --prequalification` / `status --prequalification` withdraw and show an application."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bidding_world import World
from typer.testing import CliRunner

from zhaocai.bidder.cli import app as bidder_app
from zhaocai.bidder.client import _safe_filename
from zhaocai.bidding.targets import PREQUALIFICATION_LOT
from zhaocai.crypto.certs.pem import pem_encode


def _runner(live: str, token: str):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"ZHAOCAI_SERVER": live, "ZHAOCAI_TOKEN": token}

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(bidder_app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_documents_are_listed_and_one_is_downloaded_checked_and_logged(world: World, live: str, tmp_path: Path) -> None:
    tender = world.tender()
    alice = world.bidder("alice")
    run = _runner(live, alice.token)
    listed = world.client.get(f"/api/v1/tenders/{tender.tender_id}/documents").json()
    assert [d["filename"] for d in listed] == ["招标文件.txt"]
    document = listed[0]

    by_lot = run("documents", "--lot", tender.lot_ids[0])
    assert document["id"] in by_lot and "招标文件.txt" in by_lot and document["sha256"][:16] in by_lot
    assert run("documents", "--tender", tender.tender_id, "--current") == by_lot
    saved = run("documents", "--tender", tender.tender_id, "--download", document["id"], "--out", str(tmp_path / "d"))
    assert "SHA-256 checked" in saved
    path = tmp_path / "d" / "招标文件.txt"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document["sha256"]
    assert not list((tmp_path / "d").glob("*.part"))
    assert world.outcomes("tendering.download_document") == ["ok"]  # logged for alice's organisation

    missing = run("documents", "--tender", tender.tender_id, "--download", "01NOSUCHDOCUMENT", code=1)
    assert "no document" in missing
    assert "either --tender or --lot" in run("documents", code=2)


def test_a_file_name_from_the_platform_cannot_leave_the_chosen_folder() -> None:
    assert _safe_filename("../../etc/passwd", "doc1") == "passwd"
    assert _safe_filename("..\\..\\招标文件.pdf", "doc1") == "招标文件.pdf"
    assert _safe_filename("..", "doc1") == "doc1"
    assert _safe_filename(".hidden", "doc1") == "hidden"
    assert _safe_filename("a/", "doc1") == "doc1"


def test_an_application_is_withdrawn_from_the_command_line(world: World, live: str, tmp_path: Path) -> None:
    tender = world.tender(prequalification=True)
    alice = world.bidder("alice")
    envelope = alice.seal(tender, lot_id=PREQUALIFICATION_LOT)
    url = f"/api/v1/tenders/{tender.tender_id}/prequalification/applications"
    assert world.client.post(url, content=envelope, headers=alice.headers).status_code == 201
    creds = alice.credentials["gm"]
    (tmp_path / "sign.pem").write_bytes(creds.signer_certificate)
    (tmp_path / "sign.key.pem").write_bytes(pem_encode("PRIVATE KEY", creds.signing_key.private_pkcs8_der()))
    run = _runner(live, alice.token)

    assert '"status": "submitted"' in run("status", "--prequalification", tender.tender_id)
    signing = ["--sign-key", str(tmp_path / "sign.key.pem"), "--sign-cert", str(tmp_path / "sign.pem")]
    withdrawn = run("withdraw", "--prequalification", tender.tender_id, *signing)
    assert "prequalification_application_withdrawal" in withdrawn
    assert '"status": "withdrawn"' in run("status", "--prequalification", tender.tender_id)
    both = run("withdraw", "--prequalification", tender.tender_id, "--lot", tender.lot_ids[0], *signing, code=2)
    assert "either --lot" in both
