"""`zhaocai bidder unwrap`: at the opening, unwrap this bid's content keys locally — with the encryption key, or the
backup key where the tender announced the 电子招标投标办法31 remedy — and hand over only those keys, never a private
key. The envelope header comes from the local .zcenv file or, without one, from the platform (the stored copy)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import typer

from zhaocai.bidder.client import BidderClient
from zhaocai.core.errors import ValidationFailed
from zhaocai.sealing import EnvelopeHeader, read_header, unwrap_section_key


def unwrap_keys(
    header: EnvelopeHeader, private_key_pem: bytes, sections: list[str] | None = None, *, backup: bool = False
) -> dict[str, bytes]:
    """Section name -> content key, each checked against the header's key commitment."""
    names = sections or [entry.name for entry in header.sections]
    return {
        name: unwrap_section_key(header, name, private_key_pem, which="backup" if backup else "bidder")
        for name in names
    }


def stored_header(client: BidderClient, lot_id: str) -> EnvelopeHeader:
    """The header of this organisation's bid as the platform stored it."""
    body = client._check(client.http.get(f"/api/v1/lots/{lot_id}/opening/my-envelope-header", headers=client.headers))
    return read_header(io.BytesIO(base64.b64decode(body["header"])))


def opening_stage(client: BidderClient, lot_id: str) -> str:
    return str(client._check(client.http.get(f"/api/v1/lots/{lot_id}/opening"))["stage"])


def hand_over(client: BidderClient, lot_id: str, keys: dict[str, bytes]) -> dict[str, Any]:
    payload = {"keys": {name: base64.b64encode(key).decode() for name, key in keys.items()}}
    response = client.http.post(f"/api/v1/lots/{lot_id}/opening/keys", json=payload, headers=client.headers)
    return client._check(response)  # type: ignore[no-any-return]


def unwrap_and_hand_over(
    client: BidderClient,
    lot_id: str,
    private_key_pem: bytes,
    *,
    envelope: Path | None = None,
    backup: bool = False,
) -> dict[str, Any]:
    """Unwrap the key of the section the opening is at, and hand it over."""
    if envelope is not None:
        with envelope.open("rb") as stream:
            header = read_header(stream)
    else:
        header = stored_header(client, lot_id)
    if header.lot_id != lot_id:
        raise ValidationFailed(f"the envelope is for lot {header.lot_id}, not {lot_id}", field="envelope")
    keys = unwrap_keys(header, private_key_pem, [opening_stage(client, lot_id)], backup=backup)
    return hand_over(client, lot_id, keys)


def unwrap(
    lot: str = typer.Option(..., "--lot", help="the lot (标段) id"),
    key: Path = typer.Option(..., "--key", help="your encryption private key (PEM), or the backup key", exists=True),
    envelope: Path | None = typer.Option(None, "--envelope", help="your sealed envelope; default: the stored one"),
    backup: bool = typer.Option(False, "--backup", help="unwrap with the backup key (办法31 remedy)"),
    server: str | None = typer.Option(None, "--server", envvar="ZHAOCAI_SERVER", help="the platform's base URL"),
    token: str | None = typer.Option(None, "--token", envvar="ZHAOCAI_TOKEN", help="your API token"),
) -> None:
    """Unwrap your content keys locally and hand them over during the decryption window (不见面开标)."""
    from zhaocai.bidder.cli import _client, _failing_cleanly, _show

    with _failing_cleanly():
        result = unwrap_and_hand_over(_client(server, token), lot, key.read_bytes(), envelope=envelope, backup=backup)
        _show("opening", result)
