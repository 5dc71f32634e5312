"""`zhaocai ...` — the command line. Commands parse, call use cases or read models, and render with Rich."""

from __future__ import annotations

import typer
from rich.console import Console

from zhaocai.adapters.blob.cli import app as blobs_app
from zhaocai.archive.cli import app as archive_app
from zhaocai.audit.cli import app as audit_app
from zhaocai.award.cli import app as award_app
from zhaocai.bidder.cli import app as bidder_app
from zhaocai.bootstrap import build
from zhaocai.config import Settings
from zhaocai.crypto.ca_cli import app as ca_app
from zhaocai.evaluation.cli import app as evaluation_app
from zhaocai.experts.cli import app as draw_app
from zhaocai.identity.cli import app as users_app
from zhaocai.notifications.cli import app as notifications_app
from zhaocai.rules.cli import app as rules_app
from zhaocai.tendering.cli import app as tenders_app

app = typer.Typer(help="招采 zhaocai: electronic tendering and public-resource trading", no_args_is_help=True)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(rules_app, name="rules")
app.add_typer(audit_app, name="audit")
app.add_typer(blobs_app, name="blobs")
app.add_typer(ca_app, name="ca")
app.add_typer(users_app, name="users")
app.add_typer(tenders_app, name="tenders")
app.add_typer(bidder_app, name="bidder")
app.add_typer(notifications_app, name="notifications")
app.add_typer(archive_app, name="archive")
app.add_typer(evaluation_app, name="evaluation")
app.add_typer(award_app, name="award")
app.add_typer(draw_app, name="draw")
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply schema migrations up to REVISION."""
    from zhaocai.adapters.db.migrate import upgrade

    container = build(Settings())
    upgrade(container.engine, revision)
    console.print(f"[green]database at {revision}[/green]: {container.settings.effective_database_url}")


@app.command()
def serve(
    role: str = typer.Option("trading", help="trading | hub | supervision"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    workers: int = typer.Option(1, help="uvicorn worker processes"),
) -> None:
    """Run one platform's web service."""
    import os

    import uvicorn

    if role not in ("trading", "hub", "supervision"):
        raise typer.BadParameter("role must be trading, hub or supervision", param_hint="--role")
    os.environ["ZHAOCAI_ROLE"] = role
    from zhaocai.jobs import platform_jobs, start_all, stop_all

    # The background jobs run once per platform database, in this process; the web workers only serve requests.
    jobs = start_all(platform_jobs(build(Settings())))
    console.print(f"[bold]zhaocai {role}[/bold] on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    try:
        uvicorn.run("zhaocai.platforms.asgi:app", host=host, port=port, workers=workers, log_level="info")
    finally:
        stop_all(jobs)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
