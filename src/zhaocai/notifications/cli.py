"""`zhaocai notifications deliver`: send the emails that are due (from cron, or `--every` as a small worker)."""

from __future__ import annotations

import time

import typer
from rich.console import Console

from zhaocai.bootstrap import build
from zhaocai.config import Settings
from zhaocai.notifications.delivery import MAX_ATTEMPTS, deliver_pending
from zhaocai.notifications.factory import email_sender_from_settings

app = typer.Typer(help="Notifications (in-app inbox and email)", no_args_is_help=True)
console = Console()
BATCH = 100


@app.callback()
def notifications_group() -> None:
    """Notifications (in-app inbox and email)."""


@app.command()
def deliver(
    every: float = typer.Option(0, min=0, help="repeat every this many seconds (0: run once)"),
    max_attempts: int = typer.Option(MAX_ATTEMPTS, min=1),
) -> None:
    """Try every email that is due; give up on one after MAX_ATTEMPTS attempts."""
    container = build(Settings())
    sender = email_sender_from_settings(container.settings)
    while True:
        while True:  # a batch at a time until one comes back short
            report = deliver_pending(container.engine, sender, container.clock, max_attempts, limit=BATCH)
            console.print(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
            if report.sent + report.retrying + report.failed < BATCH:
                break
        if not every:
            return
        time.sleep(every)
