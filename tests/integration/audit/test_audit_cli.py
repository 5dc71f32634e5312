"""`zhaocai audit ...` end to end: a real container (settings, engine), a real keyring, the Typer app."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.audit.cli import make_app
from zhaocai.audit.entries import record_entry
from zhaocai.audit.note import note_verifier
from zhaocai.audit.proofs import check_consistency, check_inclusion
from zhaocai.audit.wiring import CHECKPOINT_PURPOSES, checkpoint_verifying_keys, log_origin
from zhaocai.bootstrap import build
from zhaocai.config import Settings
from zhaocai.core.actor import Actor
from zhaocai.crypto.keyring import Keyring


@pytest.fixture
def container(database_url, tmp_path, clock):
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        crypto_suite="gm",
        platform_code="ZC0000000042",
        key_passphrase=None,
        key_passphrase_file=None,
    )
    container = build(settings, clock=clock)
    container.keyring = Keyring.open(  # a cheap scrypt for tests
        tmp_path / "keys", b"test passphrase", clock=clock, scrypt_n=2**10
    )
    yield container
    container.engine.dispose()


def _write(container, count: int) -> list[str]:
    with container.engine.begin() as conn:
        return [
            record_entry(conn, occurred_at=container.clock.now(), actor=Actor(user_id="U1"), action="t.x", outcome="ok")
            for _ in range(count)
        ]


def test_sequence_checkpoint_proof_and_verify(container, tmp_path):
    app = make_app(lambda: container)
    runner = CliRunner()
    assert runner.invoke(app, ["checkpoint"]).exit_code == 1  # nothing signed yet
    ids = _write(container, 5)
    result = runner.invoke(app, ["sequence"])
    assert result.exit_code == 0, result.output
    assert "the log now has 5" in result.output
    _write(container, 4)
    assert runner.invoke(app, ["sequence", "--drain"]).exit_code == 0

    keyring = container.keyring
    held = keyring.keys()  # KeyInfo records
    assert {info.purpose for info in held} == set(CHECKPOINT_PURPOSES.values())
    origin = log_origin(container.settings)
    verifiers = [note_verifier(origin, key) for key in checkpoint_verifying_keys(keyring)]

    printed = runner.invoke(app, ["checkpoint"])
    assert printed.exit_code == 0 and printed.stdout.startswith(f"{origin}\n9\n")
    saved = tmp_path / "checkpoint.txt"
    assert runner.invoke(app, ["checkpoint", "--out", str(saved)]).exit_code == 0
    assert saved.read_text() == printed.stdout

    proof = runner.invoke(app, ["proof", ids[2]])
    assert proof.exit_code == 0, proof.output
    assert check_inclusion(json.loads(proof.stdout), verifiers).size == 9
    consistency = runner.invoke(app, ["proof", "--consistency", "5", "9"])
    assert consistency.exit_code == 0, consistency.output
    check_consistency(json.loads(consistency.stdout), verifiers)
    assert runner.invoke(app, ["proof", "01NOSUCHENTRY0000000000000"]).exit_code == 1
    assert runner.invoke(app, ["proof"]).exit_code == 2

    ok = runner.invoke(app, ["verify", "--checkpoint", str(saved)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output

    with container.engine.begin() as conn:
        conn.execute(update(audit_entries).where(audit_entries.c.entry_id == ids[3]).values(outcome="changed"))
    bad = runner.invoke(app, ["verify", "--checkpoint", str(saved)])
    assert bad.exit_code == 1
    assert "FIRST BAD ENTRY" in bad.output and ids[3] in bad.output


def test_without_a_keyring_the_commands_that_need_keys_say_so(container):
    del container.keyring  # forget the test keyring; with no passphrase the container's own stays locked
    result = CliRunner().invoke(make_app(lambda: container), ["verify"])
    assert result.exit_code == 2 and "locked" in result.output
