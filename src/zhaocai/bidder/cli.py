"""`zhaocai bidder ...`: the bidder tool on the command line (keygen, requirements, documents, pack, seal, submit,
status, withdraw). The platform and the API token come from --server/--token or ZHAOCAI_SERVER/ZHAOCAI_TOKEN."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from zhaocai.bidder.client import BidderClient, BidderError
from zhaocai.bidder.credentials import Credentials, generate_backup_key
from zhaocai.bidder.pack import pack as pack_bid
from zhaocai.bidder.requirements import BidRequirements
from zhaocai.bidder.sealer import seal_bid
from zhaocai.bidder.spec import BidSpec
from zhaocai.bidding.receipts import SignedReceipt
from zhaocai.core.errors import DomainError

app = typer.Typer(help="投标工具: build, seal, submit and withdraw sealed bids", no_args_is_help=True)
console = Console()

ServerOption = typer.Option(None, "--server", envvar="ZHAOCAI_SERVER", help="the platform's base URL")
TokenOption = typer.Option(None, "--token", envvar="ZHAOCAI_TOKEN", help="your API token (zcat_...)")
LotOption = typer.Option(None, "--lot", help="the lot (标段) id")
RequirementsOption = typer.Option(
    None, "--requirements", help="the lot's bid requirements as JSON (instead of asking the server)", dir_okay=False
)
PrequalificationOption = typer.Option(
    None, "--prequalification", metavar="TENDER", help="a prequalification application to this tender (办法28)"
)


@contextmanager
def _failing_cleanly() -> Iterator[None]:
    try:
        yield
    except (DomainError, BidderError) as exc:
        console.print(f"[red]refused:[/red] {getattr(exc, 'message', None) or exc}")
        raise typer.Exit(1) from exc
    except (OSError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


def _one_target(lot: str | None, prequalification: str | None) -> None:
    if (lot is None) == (prequalification is None):
        raise typer.BadParameter("give either --lot (a bid) or --prequalification TENDER (an application)")


def _client(server: str | None, token: str | None) -> BidderClient:
    if not server:
        raise typer.BadParameter("give the platform with --server or ZHAOCAI_SERVER", param_hint="--server")
    return BidderClient(server.rstrip("/"), token)


def _requirements(path: Path | None, lot: str | None, server: str | None, token: str | None) -> BidRequirements:
    if path is not None:
        return BidRequirements.load(path)
    if not lot:
        raise typer.BadParameter("give --lot (and --server) or --requirements FILE", param_hint="--lot")
    return _client(server, token).requirements(lot)


def _show(title: str, value: Any) -> None:
    console.print(f"[green]{title}[/green]")
    console.print_json(json.dumps(value, ensure_ascii=False, default=str))


@app.command()
def keygen(
    suite: str = typer.Option(..., help="gm (SM2) or std (P-256): the tender's suite"),
    out: Path = typer.Option(..., "--out", help="directory for the key files", file_okay=False),
    name: str = typer.Option("backup", help="file name stem"),
) -> None:
    """Make a backup key pair for the backup-key remedy (电子招标投标办法31). Keep the private key offline."""
    with _failing_cleanly():
        made = generate_backup_key(suite, out, name=name)
    console.print(f"[green]backup key pair[/green] private {made.private_key} (0600), public {made.public_key}")


@app.command()
def requirements(
    lot: str = typer.Option(..., "--lot"),
    save: Path | None = typer.Option(None, "--save", help="write them to this JSON file", dir_okay=False),
    server: str | None = ServerOption,
    token: str | None = TokenOption,
) -> None:
    """Show what a bid for LOT must be: suite, sections, backup-key remedy, deadline, size limit."""
    with _failing_cleanly():
        found = _client(server, token).requirements(lot)
    value = found.__dict__ | {"sections": list(found.sections)}
    if save is not None:
        save.write_text(json.dumps(value, ensure_ascii=False, indent=2))
    _show("bid requirements", value)


@app.command()
def pack(
    spec: Path = typer.Argument(..., help="the bid spec (bid.json)", exists=True, dir_okay=False),
    out: Path = typer.Option(..., "--out", help="directory for the section archives", file_okay=False),
    base: Path | None = typer.Option(None, "--base", help="where the spec's files are (default: the spec's folder)"),
    lot: str | None = LotOption,
    requirements_file: Path | None = RequirementsOption,
    server: str | None = ServerOption,
    token: str | None = TokenOption,
) -> None:
    """Build one ZIP per section (manifest + files, docs/bid-format.md) from SPEC."""
    with _failing_cleanly():
        found = _requirements(requirements_file, lot, server, token)
        written = pack_bid(BidSpec.load(spec), base_dir=base or spec.parent, out_dir=out, requirements=found)
    for section, path in written.items():
        console.print(f"[green]{section}[/green] {path} ({path.stat().st_size} bytes)")


@app.command()
def seal(
    sections: Path = typer.Argument(..., help="the folder `pack` wrote (<section>.zip files)", file_okay=False),
    out: Path = typer.Option(..., "--out", help="the envelope to write (.zcenv)", dir_okay=False),
    sign_key: Path = typer.Option(..., "--sign-key", help="your signing private key (PKCS#8 PEM)"),
    sign_cert: Path = typer.Option(..., "--sign-cert", help="your signing certificate"),
    enc_cert: Path = typer.Option(..., "--enc-cert", help="your encryption certificate"),
    enc_key: Path | None = typer.Option(None, "--enc-key", help="your encryption private key, for the test decryption"),
    backup_key: Path | None = typer.Option(None, "--backup-key", help="your backup public key (办法31 remedy)"),
    bid_version: int | None = typer.Option(None, "--bid-version", help="default: your latest version + 1"),
    lot: str | None = LotOption,
    requirements_file: Path | None = RequirementsOption,
    server: str | None = ServerOption,
    token: str | None = TokenOption,
) -> None:
    """Seal the section archives into one envelope, then test-decrypt it locally (with --enc-key)."""
    with _failing_cleanly():
        found = _requirements(requirements_file, lot, server, token)
        archives = {name: sections / f"{name}.zip" for name in found.sections}
        credentials = Credentials.load(
            signing_key=sign_key,
            signer_certificate=sign_cert,
            encryption_certificate=enc_cert,
            encryption_key=enc_key,
            backup_public_key=backup_key,
        )
        version = bid_version or _next_version(found.lot_id, server, token)
        header = seal_bid(archives, out, requirements=found, credentials=credentials, bid_version=version)
    tested = "test-decrypted" if enc_key else "[yellow]not test-decrypted (no --enc-key)[/yellow]"
    console.print(
        f"[green]sealed[/green] {out}: version {header.bid_version}, {header.envelope_length} bytes, {tested}"
    )


def _next_version(lot_id: str, server: str | None, token: str | None) -> int:
    if not server:
        return 1
    try:
        return int(_client(server, token).status(lot_id)["latest_version"]) + 1
    except BidderError as exc:
        if exc.status == 404:
            return 1
        raise


def _with_client(server: str | None, token: str | None, call: Callable[[BidderClient], Any]) -> Any:
    with _failing_cleanly():
        return call(_client(server, token))


@app.command()
def submit(
    envelope: Path = typer.Argument(..., exists=True, dir_okay=False),
    lot: str | None = typer.Option(None, "--lot", help="a bid for this lot"),
    prequalification: str | None = PrequalificationOption,
    idempotency_key: str | None = typer.Option(None, "--idempotency-key", help="default: a fresh random key"),
    server: str | None = ServerOption,
    token: str | None = TokenOption,
) -> None:
    """Upload ENVELOPE; print the platform's receipt (verified against its published keys) and save it beside."""
    _one_target(lot, prequalification)

    def upload(client: BidderClient) -> SignedReceipt:
        if prequalification is not None:
            return client.submit_application(prequalification, envelope, idempotency_key=idempotency_key)
        return client.submit(lot or "", envelope, idempotency_key=idempotency_key)

    receipt = _with_client(server, token, upload)
    saved = envelope.with_name(envelope.name + ".receipt.json")
    saved.write_text(json.dumps(receipt.to_json(), ensure_ascii=False, indent=2))
    _show(f"receipt (signature verified; saved to {saved})", receipt.body)


@app.command()
def status(
    lot: str | None = typer.Option(None, "--lot"),
    prequalification: str | None = PrequalificationOption,
    server: str | None = ServerOption,
    token: str | None = TokenOption,
) -> None:
    """Your own bid on LOT (or application to TENDER's prequalification): status, versions, withdrawals."""
    _one_target(lot, prequalification)
    if prequalification is not None:
        _show("your application", _with_client(server, token, lambda c: c.application_status(prequalification)))
    else:
        _show("your bid", _with_client(server, token, lambda c: c.status(lot or "")))


@app.command()
def documents(
    tender: str | None = typer.Option(None, "--tender", help="the tender (招标项目) id"),
    lot: str | None = typer.Option(None, "--lot", help="or a lot of it"),
    download: str | None = typer.Option(None, "--download", metavar="DOCUMENT", help="download this document"),
    out: Path = typer.Option(Path("."), "--out", help="where --download saves the file", file_okay=False),
    current: bool = typer.Option(False, "--current", help="only the files in force (not replaced by a clarification)"),
    server: str | None = ServerOption,
    token: str | None = TokenOption,
) -> None:
    """List the tender documents of TENDER (or of the tender of LOT) with their SHA-256, or download one of them
    (checked against its listed SHA-256; the platform logs the download for your organisation)."""
    if (lot is None) == (tender is None):
        raise typer.BadParameter("give either --tender or --lot")

    def call(client: BidderClient) -> Any:
        tender_id = tender or client.requirements(lot or "").tender_id
        if download is None:
            return client.documents(tender_id, current=current)
        out.mkdir(parents=True, exist_ok=True)
        return client.download_document(tender_id, download, out)

    found = _with_client(server, token, call)
    if download is not None:
        console.print(f"[green]downloaded[/green] {found} ({found.stat().st_size} bytes, SHA-256 checked)")
        return
    for document in found:
        state = "" if document["current"] else " [yellow](replaced)[/yellow]"
        console.print(
            f"{document['id']}  {document['stage']:<16} v{document['version']}  {document['size']:>10} bytes  "
            f"{document['sha256'][:16]}…  {document['filename']}{state}"
        )
    if not found:
        console.print("[yellow]no documents issued yet[/yellow]")


@app.command()
def withdraw(
    lot: str | None = typer.Option(None, "--lot"),
    prequalification: str | None = PrequalificationOption,
    sign_key: Path = typer.Option(..., "--sign-key"),
    sign_cert: Path = typer.Option(..., "--sign-cert"),
    server: str | None = ServerOption,
    token: str | None = TokenOption,
) -> None:
    """Withdraw your bid on LOT (before the deadline), or your prequalification application to TENDER (before
    applications are due), with a signed withdrawal notice."""
    _one_target(lot, prequalification)

    def call(client: BidderClient) -> Any:
        credentials = Credentials.load(
            signing_key=sign_key, signer_certificate=sign_cert, encryption_certificate=sign_cert
        )
        if prequalification is not None:
            return client.withdraw_application(prequalification, credentials)
        return client.withdraw(lot or "", credentials)

    _show("withdrawal receipt (signature verified)", _with_client(server, token, call).body)


from zhaocai.bidder.unwrap import unwrap as _unwrap  # noqa: E402  (opening: hand over content keys, docs/opening.md)

app.command("unwrap")(_unwrap)
