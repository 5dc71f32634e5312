"""Tampered packages are refused offline, each naming what is wrong: a changed item byte, a removed item, a changed
audit entry, a swapped checkpoint, a manifest re-signed by a key the user does not trust, a "trusted" key planted
inside the package, a signer certificate whose CA the user does not trust. Both suites, both databases."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path

import pytest
from archive_world import archived, build, members, rezip, write_anchors
from bidding_world import World
from typer.testing import CliRunner

from zhaocai.archive.anchors import load_anchors
from zhaocai.archive.cli import make_app
from zhaocai.archive.package import MANIFEST_LABEL
from zhaocai.archive.verify import AUDIT, CHECKPOINT, CONTENTS, HASHES, MANIFEST_SIGNATURE, SIGNATURES, verify_package
from zhaocai.core.canonical import canonical_json
from zhaocai.crypto import keys


def _failures(data: bytes, anchors) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    report = verify_package(io.BytesIO(data), anchors)
    assert not report.ok
    return [(check.category, check.subject, check.detail) for check in report.checks if not check.ok]


def _resign(files: dict[str, bytes], manifest: dict, key, key_id: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    manifest["signer"] = manifest["signer"] | {"key_id": key_id}
    raw = canonical_json(manifest)
    return files | {"manifest.json": raw, "manifest.sig": key.sign(MANIFEST_LABEL + raw)}


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_every_kind_of_tampering_is_refused_naming_the_bad_part(world: World, suite: str, tmp_path: Path) -> None:
    done = archived(world, suite)
    anchors = load_anchors([write_anchors(world, tmp_path / "trust", suite)])
    files = members(done.data)
    manifest = json.loads(files["manifest.json"])
    envelope = next(name for name in files if name.endswith("/envelope.bin"))
    assert verify_package(io.BytesIO(done.data), anchors).ok

    # one byte of an envelope changed
    changed = bytearray(files[envelope])
    changed[-1] ^= 0x01
    failures = _failures(rezip(files | {envelope: bytes(changed)}), anchors)
    assert failures[0][:2] == (HASHES, envelope)

    # an item removed
    removed = rezip({k: v for k, v in files.items() if k != envelope})
    failures = _failures(removed, anchors)
    assert failures[0][:2] == (CONTENTS, envelope) and "missing" in failures[0][2]
    _check_cli(tmp_path, done.data, removed, envelope)

    # an extra file slipped in
    failures = _failures(rezip(files | {"items/tendering/extra.json": b"{}"}), anchors)
    assert failures[0][:2] == (CONTENTS, "items/tendering/extra.json")

    # an audit entry changed: its file no longer matches the manifest, and the entry is not in the signed log
    audit = json.loads(files["audit/entries.json"])
    victim = audit["entries"][0]["entry"]
    victim["outcome"] = "refused:forbidden"
    failures = _failures(rezip(files | {"audit/entries.json": canonical_json(audit)}), anchors)
    assert failures[0][:2] == (HASHES, "audit/entries.json")
    assert (AUDIT, victim["entry_id"]) in [failure[:2] for failure in failures]

    # the checkpoint swapped for a later one (validly signed, but of another tree)
    world.clock.advance(seconds=5)
    _, later = build(world, done.tender, done.tenderer)
    later_checkpoint = members(later)["audit/checkpoint.txt"]
    assert later_checkpoint != files["audit/checkpoint.txt"]
    failures = _failures(rezip(files | {"audit/checkpoint.txt": later_checkpoint}), anchors)
    assert failures[0][:2] == (HASHES, "audit/checkpoint.txt")
    assert any(category == CHECKPOINT and "size" in detail for category, _, detail in failures)

    # the manifest re-signed by a key the user was never given (after "fixing" a tampered item's hash)
    rogue = keys.generate_signing_key(manifest["signer"]["algorithm"])
    rogue_id = keys.key_id(rogue.public_key().spki_der())
    forged = json.loads(files["manifest.json"])
    for item in forged["items"]:
        if "items/" + item["path"] == envelope:
            item["sha256"] = hashlib.sha256(bytes(changed)).hexdigest()
    failures = _failures(rezip(_resign(files | {envelope: bytes(changed)}, forged, rogue, rogue_id)), anchors)
    assert failures == [(MANIFEST_SIGNATURE, "manifest.json", failures[0][2])]
    assert rogue_id in failures[0][2] and "not among the platform keys given" in failures[0][2]

    # ... or claiming the platform's key id
    real_id = manifest["signer"]["key_id"]
    failures = _failures(rezip(_resign(files, json.loads(files["manifest.json"]), rogue, real_id)), anchors)
    assert failures[0][0] == MANIFEST_SIGNATURE and "does not verify" in failures[0][2]

    # a "trusted" keys document planted inside the package proves nothing
    planted = {
        "platform_code": manifest["platform_code"],
        "keys": [
            {
                "key_id": rogue_id,
                "purpose": "platform-sign",
                "algorithm": rogue.algorithm,
                "public_key": base64.b64encode(rogue.public_key().spki_der()).decode(),
            }
        ],
    }
    planted_bytes = json.dumps(planted).encode()
    forged = json.loads(files["manifest.json"])
    forged["files"].append(
        {
            "path": "trust/zhaocai-keys.json",
            "size": len(planted_bytes),
            "sha256": hashlib.sha256(planted_bytes).hexdigest(),
        }
    )
    tampered = _resign(files | {"trust/zhaocai-keys.json": planted_bytes}, forged, rogue, rogue_id)
    failures = _failures(rezip(tampered), anchors)
    assert failures[0][0] == MANIFEST_SIGNATURE and "not among the platform keys given" in failures[0][2]

    # the bidders' certificates checked against the user's CA roots: without them, every bidder signature fails
    no_cas = load_anchors([write_anchors(world, tmp_path / "keys-only", suite, with_cas=False)])
    failures = _failures(done.data, no_cas)
    assert {category for category, _, _ in failures} == {SIGNATURES}
    assert all("is not a CA this platform trusts" in detail for _, _, detail in failures)
    assert any(subject.endswith("/signed-header.bin") for _, subject, _ in failures)


def _check_cli(tmp_path: Path, honest: bytes, bad: bytes, missing: str) -> None:
    """`zhaocai archive verify` needs no platform: exit 0 for the honest package, 1 naming the first bad item, 2 for
    unusable anchors."""

    def no_container():  # type: ignore[no-untyped-def]
        raise AssertionError("verify must not need the platform")

    trust = tmp_path / "trust"
    (tmp_path / "honest.zip").write_bytes(honest)
    (tmp_path / "bad.zip").write_bytes(bad)
    runner = CliRunner()
    app = make_app(no_container)
    ok = runner.invoke(app, ["verify", str(tmp_path / "honest.zip"), "--trust", str(trust)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output
    refused = runner.invoke(app, ["verify", str(tmp_path / "bad.zip"), "--trust", str(trust)])
    assert refused.exit_code == 1
    assert "BAD" in refused.output and missing in refused.output.replace("\n", "")
    unusable = runner.invoke(app, ["verify", str(tmp_path / "honest.zip"), "--trust", str(tmp_path / "nowhere")])
    assert unusable.exit_code == 2
