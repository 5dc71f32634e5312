"""`zhaocai audit ...`: verify the log, print proofs and checkpoints, run the sequencer by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from zhaocai.audit.proofs import consistency_proof, inclusion_proof, latest_checkpoint
from zhaocai.audit.verify import Report, verify_log
from zhaocai.audit.wiring import checkpoint_verifying_keys, make_sequencer
from zhaocai.core.errors import DomainError

console = Console(stderr=True)


def _keyring(container: Any) -> Any:
    """The container's keyring, or a clear exit when its keys are locked."""
    try:
        return container.keyring
    except DomainError as error:  # the keys are locked: no passphrase configured
        console.print(f"[red]no keyring: {error.message}[/red]")
        raise typer.Exit(2) from None


def _render(report: Report) -> None:
    console.print(
        f"log {report.origin or '(empty)'} · {report.hash_name or '-'} · {report.size} entries · "
        f"{report.entries_checked} entries, {report.nodes_checked} stored hashes, "
        f"{report.checkpoints_checked} checkpoints checked"
    )
    if report.ok:
        console.print("[green]OK[/green]: the log is complete and unchanged")
        return
    table = Table("kind", "leaf", "entry", "what")
    for problem in report.problems[:50]:
        leaf = str(problem.leaf_index) if problem.leaf_index is not None else ""
        if not leaf and problem.leaf_range:
            leaf = f"{problem.leaf_range[0]}..{problem.leaf_range[1] - 1}"
        table.add_row(problem.kind, leaf, problem.entry_id or "", problem.message)
    console.print(table)
    more = len(report.problems) - 50 + report.problems_dropped
    if more > 0:
        console.print(f"… and {more} more problems")
    first = report.first_bad
    if first is not None and first.leaf_index is not None:
        console.print(f"[red]FIRST BAD ENTRY[/red]: leaf {first.leaf_index} (entry {first.entry_id or 'unknown'})")
    elif first is not None and first.leaf_range is not None:
        console.print(f"[red]CHANGED[/red]: somewhere in leaves {first.leaf_range[0]}..{first.leaf_range[1] - 1}")


def make_app(get_container: Callable[[], Any]) -> typer.Typer:
    app = typer.Typer(help="Tamper-evident audit log (RFC 6962 Merkle log, signed checkpoints)", no_args_is_help=True)

    @app.command()
    def verify(
        checkpoint: Path | None = typer.Option(None, "--checkpoint", help="a checkpoint saved earlier (signed note)"),
    ) -> None:
        """Recompute the whole log from its entries; exit code 1 on any problem."""
        container = get_container()
        keys = checkpoint_verifying_keys(_keyring(container))
        saved = checkpoint.read_text(encoding="utf-8") if checkpoint else None
        with (
            Progress(
                TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
            ) as bar,
            container.engine.connect() as conn,
        ):
            task = bar.add_task("verify", total=None)
            report = verify_log(
                conn,
                container.settings.crypto_suite,
                keys,
                saved,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        _render(report)
        if not report.ok:
            raise typer.Exit(1)

    @app.command()
    def proof(
        entry_id: str | None = typer.Argument(None, help="the entry's id (as its receipt names it)"),
        consistency: tuple[int, int] | None = typer.Option(
            None, "--consistency", metavar="OLD NEW", help="prove that tree OLD is a prefix of tree NEW"
        ),
        tree_size: int | None = typer.Option(None, "--tree-size", help="prove against this size, not the latest"),
    ) -> None:
        """Print an inclusion proof (with its checkpoint) or a consistency proof as JSON."""
        if (entry_id is None) == (consistency is None):
            console.print("[red]give an ENTRY_ID or --consistency OLD NEW[/red]")
            raise typer.Exit(2)
        container = get_container()
        try:
            with container.engine.connect() as conn:
                if consistency is not None:
                    result = consistency_proof(conn, consistency[0], consistency[1])
                else:
                    result = inclusion_proof(conn, entry_id=entry_id, tree_size=tree_size)
        except DomainError as error:
            console.print(f"[red]{error.message}[/red]")
            raise typer.Exit(1) from None
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))

    @app.command("checkpoint")
    def checkpoint_command(
        out: Path | None = typer.Option(None, "--out", help="save the signed checkpoint to this file"),
    ) -> None:
        """Print (or save) the latest signed checkpoint: keep it outside to catch a later rollback."""
        container = get_container()
        with container.engine.connect() as conn:
            latest = latest_checkpoint(conn)
        if latest is None:
            console.print("the audit log has no checkpoint yet")
            raise typer.Exit(1)
        if out is not None:
            out.write_text(latest["checkpoint"], encoding="utf-8")
            console.print(f"checkpoint for size {latest['tree_size']} saved to {out}")
        else:
            typer.echo(latest["checkpoint"], nl=False)

    @app.command()
    def sequence(
        drain: bool = typer.Option(False, "--drain", help="repeat until no entry waits"),
    ) -> None:
        """Integrate waiting entries into the log now (one batch, or all with --drain)."""
        container = get_container()
        sequencer = make_sequencer(container, _keyring(container))
        added, size = 0, None
        while (info := sequencer.run_once()) is not None:
            added, size = added + info.added, info.size
            if not drain:
                break
        if size is None:
            console.print("no entry was waiting")
        else:
            console.print(f"integrated {added} entries; the log now has {size}")

    return app


def _default_container() -> Any:
    from zhaocai.bootstrap import build

    return build()


app = make_app(_default_container)
