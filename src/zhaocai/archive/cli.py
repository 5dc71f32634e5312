"""`zhaocai archive ...`: build a tender's archive package, and verify one offline against trust anchors."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from zhaocai.archive.anchors import AnchorError, load_anchors
from zhaocai.archive.verify import Report, verify_package
from zhaocai.core.actor import SYSTEM
from zhaocai.core.errors import DomainError

console = Console(stderr=True)


def render(report: Report) -> None:
    manifest = report.manifest or {}
    tender = manifest.get("tender") or {}
    if tender:
        console.print(
            f"package of tender {tender.get('number')} {tender.get('name')} · platform {manifest.get('platform_code')}"
            f" · built {manifest.get('built_at')} · {len(manifest.get('items', []))} items"
        )
    table = Table("check", "checked", "failed", "first failure")
    for category, checked, failed, first in report.summary():
        if not checked:
            continue
        where = f"{first.subject}: {first.detail}" if first else ""
        table.add_row(category, str(checked), f"[red]{failed}[/red]" if failed else "0", where)
    console.print(table)
    first = report.first_failure
    if first is None:
        console.print("[green]OK[/green]: every item, signature, checkpoint and audit proof verifies")
    else:
        console.print(f"[red]BAD[/red] {first.category}: {first.subject} — {first.detail}")


def make_app(get_container: Callable[[], Any]) -> typer.Typer:
    app = typer.Typer(help="Electronic archive packages (电子档案): build, verify offline", no_args_is_help=True)

    @app.command("build")
    def build(
        tender_id: str = typer.Argument(..., help="the tender's id"),
        out: Path = typer.Option(..., "--out", help="write the package (zip) here"),
    ) -> None:
        """Build the tender's archive package now (as the platform), store it, and write a copy to --out."""
        from zhaocai.archive.service import build_archive

        container = get_container()
        try:
            stored = build_archive(container, SYSTEM, tender_id)
        except DomainError as error:
            console.print(f"[red]refused[/red] ({error.code}): {error.message}")
            raise typer.Exit(1) from None
        with container.blobs.open(stored.blob_key) as source, out.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        console.print(
            f"archive package {stored.id}: {stored.item_count} items, {stored.audit_entry_count} audit entries "
            f"proven in the log of size {stored.tree_size}; {stored.size} bytes, SHA-256 {stored.blob_key} → {out}"
        )

    @app.command("verify")
    def verify(
        package: Path = typer.Argument(..., exists=True, dir_okay=False, help="the package (zip)"),
        trust: list[Path] = typer.Option(
            ...,
            "--trust",
            help="trust anchors: the platform's zhaocai-keys.json and CA certificates (files or directories; "
            "repeat the option)",
        ),
    ) -> None:
        """Verify a package offline against the trust anchors you give; exits 1 naming the first bad item."""
        try:
            anchors = load_anchors(trust)
        except AnchorError as error:
            console.print(f"[red]trust anchors unusable[/red]: {error}")
            raise typer.Exit(2) from None
        report = verify_package(package, anchors)
        render(report)
        if not report.ok:
            raise typer.Exit(1)

    return app


def _default_container() -> Any:
    from zhaocai.bootstrap import build

    return build()


app = make_app(_default_container)
