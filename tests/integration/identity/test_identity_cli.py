"""`zhaocai users ...` against a real database (both kinds): the commands go through the audited use cases."""

from __future__ import annotations

import pytest
from identity_world import World, cheap_env, entries
from typer.testing import CliRunner

from zhaocai.identity.cli import app
from zhaocai.identity.repository import get_organisation


@pytest.fixture
def run(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHAOCAI_DATABASE_URL", database_url)
    monkeypatch.setenv("ZHAOCAI_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    return lambda *args, stdin=None: runner.invoke(app, list(args), input=stdin)


def test_create_admin_list_verify_and_set_password(run, engine, uow_factory):
    created = run("create-admin", "root", "--role", "system_admin", "--password-stdin", stdin="Correct-Horse-7\n")
    assert created.exit_code == 0, created.output
    assert "otpauth://totp/" in created.output
    weak = run("create-admin", "root2", "--role", "security_admin", "--password-stdin", stdin="weak\n")
    assert weak.exit_code == 1
    assert "at least 10" in weak.output
    not_admin = run("create-admin", "x", "--role", "bidder", "--password-stdin", stdin="Correct-Horse-7\n")
    assert not_admin.exit_code != 0

    world = World(uow_factory, cheap_env())
    registered = world.register("MA01AAAA", "acme", verify=False)
    listed = run("list")
    assert "root" in listed.output and "acme" in listed.output
    uow = uow_factory()
    with uow:
        credit_code = get_organisation(uow.conn, registered.org_id).credit_code
    verified = run("verify-org", credit_code.lower())
    assert verified.exit_code == 0, verified.output
    assert run("verify-org", credit_code).exit_code == 1  # already verified: refused, not crashed
    assert run("set-password", "acme", "--password-stdin", stdin="Brand-New-77\n").exit_code == 0
    assert run("set-password", "nobody", "--password-stdin", stdin="Brand-New-77\n").exit_code == 1
    actions = [(e["action"], e["outcome"], e["auth_method"]) for e in entries(engine) if e["auth_method"] == "cli"]
    assert actions == [
        ("identity.create_user", "ok", "cli"),
        ("identity.create_user", "refused:invalid", "cli"),
        ("identity.verify_organisation", "ok", "cli"),
        ("identity.verify_organisation", "refused:conflict", "cli"),
        ("identity.set_password", "ok", "cli"),
    ]
