"""Hostile archives for the reader's limits."""

from __future__ import annotations

import zipfile
from pathlib import Path

from zhaocai.core.canonical import canonical_json


def bomb_archive(path: Path) -> Path:
    """A manifest naming one file of 64 MiB of zeros, which deflates about a thousand-fold."""
    size = 64 * 1024 * 1024
    manifest = {
        "bidder": {"credit_code": "91110108MA01AAAA0X", "kind": "organisation", "name": "x"},
        "files": [{"hash": "00" * 32, "path": "zeros.bin", "size": size}],
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", canonical_json(manifest))
        with archive.open("files/zeros.bin", "w", force_zip64=True) as sink:
            block = bytes(1024 * 1024)
            for _ in range(size // len(block)):
                sink.write(block)
    return path
