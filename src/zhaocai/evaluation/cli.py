"""`zhaocai evaluation ...`: the evaluation's state table, a lot's final report exported, and an export checked
offline against the trust anchors the user gives."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from zhaocai.bootstrap import build
from zhaocai.core.errors import DomainError
from zhaocai.crypto.trust import TrustStore
from zhaocai.evaluation.export import export_report, verify_export
from zhaocai.evaluation.machine import table

app = typer.Typer(help="Evaluation: state table, report export and offline verification", no_args_is_help=True)


@app.command("states")
def states() -> None:
    """The evaluation's state table: state × event → next state."""
    for state, event, target in table():
        typer.echo(f"{state:16} {event:20} → {target}")


@app.command("export-report")
def export_command(
    lot_id: str = typer.Argument(..., help="the lot's id"),
    out: Path = typer.Option(..., "--out", help="file to write the export (JSON) to"),
) -> None:
    """Write the lot's closed evaluation report with every member's signature and certificate."""
    container = build()
    try:
        with container.engine.connect() as conn:
            data = export_report(conn, lot_id)
    except DomainError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(1) from None
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(f"wrote {out} ({len(data['signatures'])} signatures)")


@app.command("verify-report")
def verify_command(
    export: Path = typer.Argument(..., exists=True, dir_okay=False, help="an export-report file"),
    trust: Path = typer.Option(..., "--trust", exists=True, file_okay=False, help="directory of trusted CA roots"),
) -> None:
    """Check every signature of an exported report, offline, against the CA roots in --trust."""
    problems = verify_export(json.loads(export.read_text(encoding="utf-8")), TrustStore.load(trust))
    for problem in problems:
        typer.echo(f"FAIL {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("OK: every signature verifies over the report document")
