"""`zhaocai rules list` and `zhaocai rules calendar`, run through Typer's runner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from zhaocai.rules.cli import app

runner = CliRunner()


def test_list_on_a_day_shows_the_rows_in_force() -> None:
    result = runner.invoke(app, ["list", "--on", "2025-03-01"])
    assert result.exit_code == 0, result.output
    assert "rules in force on 2025-03-01" in result.output
    line = next(line for line in result.output.splitlines() if "bid_deadline_min_days" in line)
    for cell in ("20", "calendar_day", "enforced", "法24", "2000-01-01", "R"):
        assert cell in line
    assert "计委3号令7" not in result.output  # the pre-2018 thresholds are not in force
    assert "¥4,000,000.00" in result.output


def test_list_without_a_day_shows_every_row() -> None:
    result = runner.invoke(app, ["list", "--reasons"])
    assert result.exit_code == 0, result.output
    assert "2000-05-01..2018-05-31" in result.output
    assert result.output.count("must_tender_works_min_yuan") == 2
    assert "投标截止时间" in result.output


def test_list_filters_by_scope() -> None:
    result = runner.invoke(app, ["list", "--scope", "government_procurement"])
    assert result.exit_code == 0, result.output
    assert "gp_bid_deadline_min_days" in result.output
    assert "opening_min_bidders" not in result.output


def test_list_refuses_a_bad_date_and_a_bad_file(tmp_path: Path) -> None:
    assert runner.invoke(app, ["list", "--on", "2025-13-01"]).exit_code == 2
    bad = tmp_path / "rules.toml"
    bad.write_text("[[rule]]\nkey = 'x'\n", encoding="utf-8")
    result = runner.invoke(app, ["list", "--file", str(bad)])
    assert result.exit_code == 1
    assert "missing citation" in result.output


def test_calendar_prints_a_year_and_refuses_an_unknown_one() -> None:
    result = runner.invoke(app, ["calendar", "2025"])
    assert result.exit_code == 0, result.output
    assert "国庆节、中秋节" in result.output and "10-11 Sat" in result.output
    assert "248 working days in 2025" in result.output
    missing = runner.invoke(app, ["calendar", "2027"])
    assert missing.exit_code == 1
    assert "no holiday data for 2027" in missing.output
