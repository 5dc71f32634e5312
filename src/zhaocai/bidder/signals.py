"""Bid-file signals written into every manifest (docs/bid-format.md §2.6): a hash of the preparing machine's
identifiers and the creation tool's id. Evaluation compares them across bidders as a flag for bids made by one hand
(条例40(1)); they are hashed so the machine's identifiers themselves never leave it."""

from __future__ import annotations

import platform
import socket
import uuid
from pathlib import Path

from zhaocai.core.canonical import canonical_json
from zhaocai.crypto.suites import get_suite

TOOL_VERSION = "0.1.0"
TOOL_ID = f"zhaocai-bidder/{TOOL_VERSION}"
_MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))


def machine_identifiers() -> dict[str, str]:
    found = {
        "mac": f"{uuid.getnode():012x}",
        "host": socket.gethostname(),
        "arch": platform.machine(),
    }
    for path in _MACHINE_ID_FILES:
        try:
            found["machine_id"] = path.read_text().strip()
            break
        except OSError:
            continue
    return found


def machine_hash(suite: str, identifiers: dict[str, str] | None = None) -> str:
    """The suite's hash (SM3 / SHA-256) of the canonical JSON of the machine's identifiers, hex."""
    data = canonical_json(identifiers if identifiers is not None else machine_identifiers())
    return get_suite(suite).hash(b"zhaocai-bidder/machine\x00" + data).hex()
