"""`zhaocai tenders ...`: the procedure table, tenders on this platform, one tender, and one run of the scheduler.
Commands act as the platform itself (the system actor), through the same audited use cases as the API."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from zhaocai.bootstrap import Container, build
from zhaocai.core.actor import SYSTEM
from zhaocai.core.errors import DomainError
from zhaocai.tendering import codec
from zhaocai.tendering.model import table_text
from zhaocai.tendering.scheduler import do_process_due_tenders
from zhaocai.tendering.views import list_tenders, tender_view

app = typer.Typer(help="Tenders: the procedure table, listing, one tender, time events", no_args_is_help=True)
console = Console()


def _container() -> Container:
    return build()


@app.command("procedure-table")
def procedure_table() -> None:
    """Print the procedure: state × event → next state, with its guards (docs/procedure.md has the same table)."""
    typer.echo(table_text())


@app.command("list")
def list_command(
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="one JSON object per line"),
) -> None:
    """Published tenders, newest first."""
    container = _container()
    with container.engine.connect() as conn:
        rows = list_tenders(conn, SYSTEM, limit=limit)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(codec.to_data(dict(row._mapping)), ensure_ascii=False))
        return
    table = Table("id", "number", "name", "state", "bid deadline")
    for row in rows:
        deadline = row.bid_deadline.isoformat() if row.bid_deadline else ""
        table.add_row(row.id, row.number, row.name, row.state, deadline)
    console.print(table)


@app.command("show")
def show(tender_id: str = typer.Argument(..., help="the tender's id")) -> None:
    """One tender's full record (the aggregate as stored), as JSON."""
    container = _container()
    try:
        with container.engine.connect() as conn:
            view = tender_view(conn, SYSTEM, tender_id)
    except DomainError as error:
        console.print(f"[red]{error.message}[/red]")
        raise typer.Exit(code=1) from None
    record = codec.to_data(view.tender) | {"lot_ids": view.stored.lot_ids, "verdict": view.stored.verdict}
    typer.echo(json.dumps(record, ensure_ascii=False, indent=2))


@app.command("process-due")
def process_due() -> None:
    """Apply every time event that has fallen due (sale ends, bid deadlines, overdue objection answers), once."""
    container = _container()
    run = do_process_due_tenders(uow_factory=container.uow, clock=container.clock)
    for tender_id, events in run.applied.items():
        console.print(f"{tender_id}: {', '.join(events)}")
    for tender_id, error in run.failed.items():
        console.print(f"[red]{tender_id}: failed, stays due: {error}[/red]")
    console.print(f"{run.count} time events applied to {len(run.applied)} tenders; {len(run.failed)} failed")
    if run.failed:
        raise typer.Exit(code=1)
