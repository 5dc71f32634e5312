"""Against a real uvicorn server on 127.0.0.1: an upload that straddles the deadline (the clock moves while the body
streams in) is refused; an envelope declaring more than the size limit is refused with 413 from its header; and the
bidder tool's command line does the whole round — keygen, requirements, pack, seal (with the local test decryption),
submit (verifying the receipt), status, withdraw — and the receipt's audit entry is later proven in the signed log."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
from bidding_world import MS, World
from typer.testing import CliRunner

from zhaocai.audit.note import note_verifier
from zhaocai.audit.proofs import check_inclusion
from zhaocai.audit.wiring import log_origin, make_sequencer
from zhaocai.bidder.cli import app as bidder_app
from zhaocai.bidding.policy import POLICY_KEY, BiddingPolicy
from zhaocai.crypto import keys as crypto_keys
from zhaocai.crypto.certs.pem import pem_encode

BIG = {"whole": bytes(range(256)) * 256}  # 64 KiB


def test_an_upload_straddling_the_deadline_is_refused_over_http(world: World, live: str) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    envelope = alice.seal(tender, sections=BIG)
    world.clock.set(tender.bid_deadline - MS)

    def body():  # type: ignore[no-untyped-def]
        for offset in range(0, len(envelope), 8192):
            yield envelope[offset : offset + 8192]
            if offset >= len(envelope) // 2:
                world.clock.set(tender.bid_deadline + MS)  # the deadline passes mid-upload

    response = httpx.post(f"{live}/api/v1/lots/{lot}/bids", content=body(), headers=alice.headers, timeout=30)
    assert (response.status_code, response.json()["error"]) == (409, "deadline_passed")
    assert world.outcomes("bidding.submit_bid") == ["refused:deadline_passed"]


def test_an_envelope_declaring_more_than_the_limit_gets_413_from_its_header(world: World, live: str) -> None:
    tender = world.tender()
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    envelope = alice.seal(tender, sections=BIG)
    stored_before = set(world.container.blobs.iter_keys())  # the tender documents
    world.container.extras[POLICY_KEY] = BiddingPolicy(max_envelope_bytes=len(envelope) - 1)

    def chunked():  # type: ignore[no-untyped-def]
        yield from (envelope[i : i + 4096] for i in range(0, len(envelope), 4096))

    response = httpx.post(f"{live}/api/v1/lots/{lot}/bids", content=chunked(), headers=alice.headers, timeout=30)
    assert (response.status_code, response.json()["error"]) == (413, "too_large")
    assert "would be" in response.json()["message"]  # refused from the header, not after the whole body
    junk = httpx.post(
        f"{live}/api/v1/lots/{lot}/bids", content=iter([b"PK\x03\x04" + bytes(4096)] * 4), headers=alice.headers
    )
    assert (junk.status_code, junk.json()["error"]) == (422, "not_an_envelope")
    assert set(world.container.blobs.iter_keys()) == stored_before
    assert not world.container.blobs.temp_files()  # type: ignore[attr-defined]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_the_bidder_tool_command_line_does_the_whole_round(world: World, live: str, tmp_path: Path) -> None:
    tender = world.tender(two_envelope=True, backup_key_remedy=True)
    lot = tender.lot_ids[0]
    alice = world.bidder("alice")
    creds = alice.credentials["gm"]
    files = {
        "sign.pem": creds.signer_certificate,
        "sign.key.pem": pem_encode("PRIVATE KEY", creds.signing_key.private_pkcs8_der()),
        "enc.pem": creds.encryption_certificate,
        "enc.key.pem": pem_encode("PRIVATE KEY", creds.encryption_key or b""),
    }
    paths = {name: _write(tmp_path / name, data) for name, data in files.items()}
    (tmp_path / "bid" / "技术标").mkdir(parents=True)
    (tmp_path / "bid" / "技术标" / "施工组织设计.txt").write_text("施工组织设计\n" * 100)
    (tmp_path / "bid" / "清单.csv").write_text("item,qty\n平整场地,100\n")
    (tmp_path / "bid" / "bid.json").write_text(
        json.dumps(
            {
                "bidder": {"kind": "organisation", "credit_code": alice.credit_code, "name": "alice 有限公司"},
                "price": {"total": "1000.00"},
                "bill": [{"item": "010101001 平整场地", "unit": "m2", "quantity": "100", "unit_price": "10.00"}],
                "duration_days": 300,
                "quality": "合格",
                "project_manager": {"name": "张三", "certificate_number": "京111060800001"},
                "files": ["技术标/施工组织设计.txt"],
                "price_files": ["清单.csv"],
            },
            ensure_ascii=False,
        )
    )
    runner = CliRunner()
    env = {"ZHAOCAI_SERVER": live, "ZHAOCAI_TOKEN": alice.token}

    def run(*args: str) -> str:
        result = runner.invoke(bidder_app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    run("keygen", "--suite", "gm", "--out", str(tmp_path / "keys"))
    run("requirements", "--lot", lot, "--save", str(tmp_path / "requirements.json"))
    assert json.loads((tmp_path / "requirements.json").read_text())["sections"] == ["technical", "price"]
    run("pack", str(tmp_path / "bid" / "bid.json"), "--out", str(tmp_path / "sections"), "--lot", lot)
    sealing = [
        "seal", str(tmp_path / "sections"), "--out", str(tmp_path / "bid.zcenv"), "--lot", lot,
        "--sign-key", str(paths["sign.key.pem"]), "--sign-cert", str(paths["sign.pem"]),
        "--enc-cert", str(paths["enc.pem"]), "--enc-key", str(paths["enc.key.pem"]),
        "--backup-key", str(tmp_path / "keys" / "backup.pub.pem"),
    ]  # fmt: skip
    assert "test-decrypted" in run(*sealing)
    assert "signature verified" in run("submit", str(tmp_path / "bid.zcenv"), "--lot", lot)
    receipt = json.loads((tmp_path / "bid.zcenv.receipt.json").read_text())
    assert receipt["receipt"]["bid_version"] == 1
    run(*sealing)  # the next version by default: the tool asks the platform for the latest
    run("submit", str(tmp_path / "bid.zcenv"), "--lot", lot)
    assert '"latest_version": 2' in run("status", "--lot", lot)
    run("withdraw", "--lot", lot, "--sign-key", str(paths["sign.key.pem"]), "--sign-cert", str(paths["sign.pem"]))
    assert '"status": "withdrawn"' in run("status", "--lot", lot)
    refused = runner.invoke(bidder_app, ["submit", str(tmp_path / "bid.zcenv"), "--lot", lot], env=env)
    assert refused.exit_code == 1 and "replayed_envelope" in refused.output

    # later, once the next checkpoint is signed, the receipt's audit entry is provably in the log
    make_sequencer(world.container, keyring=world.container.keyring).drain()
    entry = receipt["receipt"]["audit_entry_id"]
    proof = httpx.get(f"{live}/api/v1/receipts/{entry}/proof", headers=alice.headers).json()
    published = httpx.get(f"{live}/.well-known/zhaocai-keys.json").json()["keys"]
    origin = log_origin(world.container.settings)
    verifiers = [
        note_verifier(origin, crypto_keys.load_verifying_key(base64.b64decode(key["public_key"])))
        for key in published
        if key["purpose"].startswith("audit-checkpoint")
    ]
    assert check_inclusion(proof, verifiers).size == proof["tree_size"]
