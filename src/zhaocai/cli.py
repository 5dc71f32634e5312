"""`zhaocai ...` — the command line. Commands parse, call use cases or read models, and render with Rich."""

from __future__ import annotations

import typer
from rich.console import Console

from zhaocai.bootstrap import build
from zhaocai.config import Settings

app = typer.Typer(help="招采 zhaocai: electronic tendering and public-resource trading", no_args_is_help=True)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply schema migrations up to REVISION."""
    from zhaocai.adapters.db.migrate import upgrade

    container = build(Settings())
    upgrade(container.engine, revision)
    console.print(f"[green]database at {revision}[/green]: {container.settings.effective_database_url}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
