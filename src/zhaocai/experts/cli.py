"""`zhaocai draw ...`: replay a published committee-draw transcript offline (no database, no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhaocai.experts.transcript import verify

console = Console(stderr=True)
app = typer.Typer(help="Committee draws (专家抽取): verify a published transcript", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Committee draws."""


@app.command("verify")
def verify_command(
    transcript: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="TRANSCRIPT.json")],
) -> None:
    """Replay the draw from its transcript: the pool hash over the terms, pool and recusals; each contribution
    against its commitment; the seed; the order of the whole pool; the committee and reserves after declines and
    replacements. Exit 0 when it replays exactly, 1 with each mismatch named otherwise."""
    try:
        data = json.loads(transcript.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        console.print(f"[red]cannot read {transcript}[/red]: {error}")
        raise typer.Exit(2) from None
    if not isinstance(data, dict):
        console.print("[red]not a draw transcript[/red]: the file holds no JSON object")
        raise typer.Exit(2)
    problems = verify(data)
    draw = data.get("draw_id", "?")
    if not problems:
        committee = data["committee"]
        rounds = len(data["rounds"])
        console.print(
            f"[green]OK[/green]: draw {draw} replays exactly — pool of {len(data['pool'])}, "
            f"{rounds} round(s), seed {data['seed'][:16]}…, {len(committee['experts'])} experts, "
            f"{len(committee['reserves'])} reserves"
        )
        return
    console.print(f"[red]MISMATCH[/red]: draw {draw} does not replay:")
    for line in problems:
        console.print(f"  - {line}")
    raise typer.Exit(1)
