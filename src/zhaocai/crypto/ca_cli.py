"""`zhaocai ca ...`: the demo / test certificate authority on the command line (see crypto/ca.py).

The CA passphrase comes from --passphrase-file, else ZHAOCAI_CA_PASSPHRASE, else a prompt.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console

from zhaocai.crypto.ca import CertificateAuthority, CertificateAuthorityError
from zhaocai.crypto.certs.profile import REVOCATION_REASONS
from zhaocai.crypto.sealed_key import WrongPassphrase

app = typer.Typer(help="Demo/test certificate authority (gm or std), not for production", no_args_is_help=True)
console = Console()

DirOption = typer.Option(..., "--dir", help="CA directory", file_okay=False)
PassphraseFileOption = typer.Option(None, "--passphrase-file", help="file holding the CA passphrase", dir_okay=False)


def _passphrase(passphrase_file: Path | None, *, confirm: bool = False) -> bytes:
    if passphrase_file is not None:
        return passphrase_file.read_bytes().strip()
    if os.environ.get("ZHAOCAI_CA_PASSPHRASE"):
        return os.environ["ZHAOCAI_CA_PASSPHRASE"].encode()
    return typer.prompt("CA passphrase", hide_input=True, confirmation_prompt=confirm).encode()


def _open(directory: Path, passphrase_file: Path | None) -> CertificateAuthority:
    return CertificateAuthority.open(directory, _passphrase(passphrase_file))


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(1)


@app.command()
def init(
    name: str = typer.Option(..., help="CA name (the root certificate's CN)"),
    suite: str = typer.Option(..., help="gm (SM2/SM3) or std (ECDSA P-256/SHA-256)"),
    directory: Path = DirOption,
    days: int = typer.Option(3650, help="root certificate validity in days"),
    passphrase_file: Path | None = PassphraseFileOption,
) -> None:
    """Create a CA with a self-signed root certificate in DIR."""
    try:
        ca = CertificateAuthority.init(
            directory, name=name, suite=suite, passphrase=_passphrase(passphrase_file, confirm=True), days=days
        )
    except (CertificateAuthorityError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"[green]CA '{ca.name}' ({ca.suite})[/green] root certificate: {directory / 'ca.pem'}")


@app.command()
def issue(
    directory: Path = DirOption,
    subject: str = typer.Option(..., help='holder\'s name, RFC 4514: "CN=张三,O=某某有限公司,C=CN"'),
    usage: str = typer.Option(..., help="sign or encrypt"),
    out: Path = typer.Option(..., help="writes OUT.pem (certificate) and OUT.key.pem (private key, PKCS#8)"),
    credit_code: str | None = typer.Option(None, help="统一社会信用代码, put in the subject's serialNumber"),
    days: int = typer.Option(365, help="validity in days"),
    passphrase_file: Path | None = PassphraseFileOption,
) -> None:
    """Issue a holder's signing or encryption certificate, with a new key pair."""
    try:
        issued = _open(directory, passphrase_file).issue(
            subject=subject,
            usage=usage,  # type: ignore[arg-type]
            credit_code=credit_code,
            days=days,
        )
    except (CertificateAuthorityError, WrongPassphrase) as exc:
        raise _fail(str(exc)) from exc
    written = issued.write(out)
    console.print(f"serial {issued.serial} ({issued.serial:#x}) {issued.subject}")
    for path in written:
        console.print(f"  wrote {path}")


@app.command()
def revoke(
    directory: Path = DirOption,
    serial: str = typer.Option(..., help="serial number, decimal or 0x-hex"),
    reason: str = typer.Option("unspecified", help=", ".join(REVOCATION_REASONS)),
    passphrase_file: Path | None = PassphraseFileOption,
) -> None:
    """Record a revocation; it appears in the next CRL."""
    try:
        number = int(serial, 0)
        _open(directory, passphrase_file).revoke(number, reason=reason)
    except ValueError as exc:
        raise _fail(f"bad serial {serial!r}") from exc
    except (CertificateAuthorityError, WrongPassphrase) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"revoked {number} ({reason}); publish a new CRL with `zhaocai ca crl`")


@app.command()
def crl(
    directory: Path = DirOption,
    out: Path = typer.Option(..., help="CRL file to write (PEM)"),
    days: int = typer.Option(7, help="days until the CRL's nextUpdate"),
    passphrase_file: Path | None = PassphraseFileOption,
) -> None:
    """Write a fresh CRL listing every revocation."""
    try:
        pem = _open(directory, passphrase_file).crl(days=days)
    except (CertificateAuthorityError, WrongPassphrase) as exc:
        raise _fail(str(exc)) from exc
    out.write_bytes(pem)
    console.print(f"wrote {out}")
