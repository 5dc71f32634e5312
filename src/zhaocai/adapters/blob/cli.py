"""`zhaocai blobs ...`: scrub the store for bit rot and sweep what interrupted uploads left behind."""

from __future__ import annotations

from datetime import timedelta

import typer
from rich.console import Console
from rich.progress import Progress

from zhaocai.adapters.blob.factory import blob_store_from_settings
from zhaocai.config import Settings

app = typer.Typer(help="Blob store (content-addressed files)", no_args_is_help=True)
console = Console()


@app.command()
def verify() -> None:
    """Re-hash every blob; list those whose bytes no longer match their key and exit 1 if there are any."""
    store = blob_store_from_settings(Settings())
    checked, damaged = 0, []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("verifying", total=None)
        for key in store.iter_keys():
            if not store.verify(key):
                damaged.append(key)
            checked += 1
            progress.advance(task)
    for key in damaged:
        console.print(f"[red]damaged[/red] {key}")
    console.print(f"{checked} blobs checked, {len(damaged)} damaged")
    if damaged:
        raise typer.Exit(1)


@app.command()
def sweep(older_than_minutes: int = typer.Option(60, min=0, help="leave younger uploads: they may be running")) -> None:
    """Remove temporary files and unfinished uploads that a killed writer left behind."""
    store = blob_store_from_settings(Settings())
    removed = store.remove_stale_uploads(older_than=timedelta(minutes=older_than_minutes))
    console.print(f"{removed} stale uploads removed")
