"""`zhaocai award ...`: the award stage table, a run of the tracked-duty check, and the client-side signature a
tenderer (or the winner) makes over a notice PDF or a contract document before uploading it."""

from __future__ import annotations

import base64
from pathlib import Path

import typer

from zhaocai.award.model.progress import TABLE
from zhaocai.award.tracking import do_check_award_duties
from zhaocai.bootstrap import build
from zhaocai.core.actor import SYSTEM
from zhaocai.crypto import keys
from zhaocai.crypto.certs.pem import pem_blocks

app = typer.Typer(help="Award: publicity, award, notices, contract", no_args_is_help=True)


@app.command("stage-table")
def stage_table() -> None:
    """Print the award stages: stage × act → stage."""
    for (stage, act), after in TABLE.items():
        typer.echo(f"{stage.value:<11} × {act.value:<19} → {after.value}")


@app.command("check-duties")
def check_duties() -> None:
    """Flag the overdue objection answers, award reports and contract signings (idempotent)."""
    container = build()
    flagged = do_check_award_duties(uow=container.uow(), actor=SYSTEM)
    typer.echo(f"{flagged} duties newly flagged overdue")


@app.command("sign")
def sign(
    document: Path = typer.Argument(..., exists=True, dir_okay=False, help="the notice PDF or contract document"),
    key: Path = typer.Option(..., "--key", exists=True, dir_okay=False, help="your signing key, PKCS#8 PEM"),
) -> None:
    """Sign DOCUMENT with KEY (SM2 or ECDSA P-256, as the key is) and print the base64 detached signature to upload
    with your certificate (PUT /api/v1/award-notices/{id}/signature, POST /api/v1/contracts/{id}/signatures)."""
    blocks = [der for label, der in pem_blocks(key.read_bytes()) if label == "PRIVATE KEY"]
    if not blocks:
        raise typer.BadParameter("no PKCS#8 'PRIVATE KEY' block in the key file", param_hint="--key")
    signature = keys.load_private_key(blocks[0]).sign(document.read_bytes())
    typer.echo(base64.b64encode(signature).decode())
