"""`zhaocai tenders ...` against a real database (both): the table, the list, one tender, one scheduler run."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from zhaocai.tendering.cli import app
from zhaocai.tendering.scenario import open_tender


def test_cli(container, world, database_url, tmp_path, monkeypatch):
    opened = open_tender(container, tenderer_actor=world.tenderer)
    monkeypatch.setenv("ZHAOCAI_DATABASE_URL", database_url)
    monkeypatch.setenv("ZHAOCAI_DATA_DIR", str(tmp_path / "cli"))
    runner = CliRunner()
    table = runner.invoke(app, ["procedure-table"])
    assert table.exit_code == 0 and "bidding_open" in table.output and "deadline_has_come" in table.output
    listed = runner.invoke(app, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = [json.loads(line) for line in listed.output.splitlines()]
    assert row["id"] == opened.tender_id and row["state"] == "documents_issued"
    shown = runner.invoke(app, ["show", opened.tender_id])
    record = json.loads(shown.output)
    assert record["lot_ids"] and record["verdict"]["must_tender"] and record["state"] == "documents_issued"
    assert runner.invoke(app, ["show", "NOSUCHTENDER"]).exit_code == 1
    due = runner.invoke(app, ["process-due"])
    assert due.exit_code == 0 and "time events applied" in due.output
