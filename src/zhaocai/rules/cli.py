"""`zhaocai rules ...`: show the rules table and the holiday calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from zhaocai.rules.calendar import WorkingDayCalendar
from zhaocai.rules.errors import RulesDataError
from zhaocai.rules.rule import Certainty
from zhaocai.rules.table import RulesTable

app = typer.Typer(
    help="The rules table (time limits, thresholds, counts) and the working-day calendar", no_args_is_help=True
)


def _console() -> Console:
    """Rich's terminal width on a terminal; wide enough for the whole table when piped to a file or pager."""
    console = Console()
    return console if console.is_terminal else Console(width=max(console.width, 200))


_CERTAINTY_STYLE = {Certainty.VERIFIED: "green", Certainty.REMEMBERED: "yellow", Certainty.UNCERTAIN: "bold red"}


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--on") from None


@app.command("list")
def list_rules(
    on: str | None = typer.Option(None, "--on", help="Only the rows in force on this day (YYYY-MM-DD)"),
    scope: str | None = typer.Option(None, help="Only this scope, e.g. tendering, government_procurement"),
    file: Path | None = typer.Option(None, "--file", help="A rules TOML file instead of the packaged one"),
    reasons: bool = typer.Option(False, "--reasons", help="Add a column with each rule's statement"),
) -> None:
    """Print the rules table: key, value, unit, kind, citation, effective dates, certainty."""
    day = _parse_day(on)
    console = _console()
    try:
        rules = RulesTable.load(file)
    except RulesDataError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    rows = [rule for rule in rules.all(day) if scope is None or rule.scope == scope]
    title = f"rules in force on {day.isoformat()}" if day else "all rules (every row of every key)"
    table = Table(title=f"{title}: {len(rows)}", show_lines=False)
    for name, options in (
        ("key", {"no_wrap": True, "style": "bold"}),
        ("value", {"justify": "right", "no_wrap": True}),
        ("unit", {"no_wrap": True}),
        ("kind", {"no_wrap": True}),
        ("citation", {"no_wrap": True}),
        ("effective", {"no_wrap": True}),
        ("certainty", {"justify": "center"}),
        ("scope", {}),
    ):
        table.add_column(name, **options)
    if reasons:
        table.add_column("reason", overflow="fold", ratio=1)
    for rule in rows:
        until = rule.effective_to.isoformat() if rule.effective_to else ""
        style = _CERTAINTY_STYLE[rule.certainty]
        table.add_row(
            rule.key,
            rule.display_value,
            str(rule.unit),
            str(rule.kind),
            rule.citation,
            f"{rule.effective_from.isoformat()}..{until}",
            f"[{style}]{rule.certainty}[/{style}]",
            str(rule.scope),
            *([rule.statement] if reasons else []),
        )
    console.print(table)


@app.command("calendar")
def show_calendar(year: int = typer.Argument(..., help="The year to show, e.g. 2025")) -> None:
    """Print one year's holidays and make-up working days (调休), with the notice they come from."""
    console = _console()
    calendar = WorkingDayCalendar.load()
    if year not in calendar.years:
        console.print(f"[red]no holiday data for {year}[/red] (have: {', '.join(map(str, calendar.years))})")
        raise typer.Exit(1)
    notice = calendar.notice(year)
    table = Table(title=f"{year}: {notice.source}")
    for name in ("holiday", "rest days", "make-up working days (调休)"):
        table.add_column(name)
    for holiday in notice.holidays:
        span = f"{holiday.first:%m-%d} .. {holiday.last:%m-%d} ({(holiday.last - holiday.first).days + 1} days)"
        makeup = ", ".join(f"{day:%m-%d %a}" for day in holiday.makeup_workdays)
        table.add_row(holiday.name, span, makeup)
    working = len(calendar.working_days(date(year, 1, 1), date(year, 12, 31)))
    console.print(table)
    console.print(f"{working} working days in {year}")
