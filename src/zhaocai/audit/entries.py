"""Writing audit entries. Each entry is a row in the acting use case's own transaction (DESIGN principle 5);
the sequencer later integrates committed rows into the Merkle log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.ids import new_id

# The fields that make up a leaf, in the order they are hashed. Changing this list changes every leaf hash:
# it is part of the log format documented in docs/audit.md.
LEAF_FIELDS = (
    "entry_id",
    "occurred_at",
    "user_id",
    "org_id",
    "cert_serial",
    "client_ip",
    "auth_method",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "payload_hash",
)


# One statement object for every call: SQLAlchemy compiles it once (building `insert().values(...)` per call
# costs more than the insert itself).
_INSERT = insert(audit_entries)


def record_entry(
    conn: Connection,
    *,
    occurred_at: datetime,
    actor: Actor,
    action: str,
    outcome: str,
    object_type: str | None = None,
    object_id: str | None = None,
    reason: str | None = None,
    payload_hash: str | None = None,
    entry_id: str | None = None,
) -> str:
    """Insert one entry in the caller's transaction and return its id (the id receipts name). A caller that must
    name the entry before it is written (a receipt signed inside the same transaction) passes the id it chose."""
    entry_id = entry_id or new_id()
    conn.execute(
        _INSERT,
        {
            "entry_id": entry_id,
            "occurred_at": occurred_at,
            "user_id": actor.user_id,
            "org_id": actor.org_id,
            "cert_serial": actor.cert_serial,
            "client_ip": actor.ip,
            "auth_method": actor.auth_method,
            "action": action,
            "object_type": object_type,
            "object_id": _storable(object_id),
            "outcome": outcome,
            "reason": _storable(reason),
            "payload_hash": payload_hash or actor.payload_hash,
        },
    )
    return entry_id


def _storable(text: str | None) -> str | None:
    """Text that may carry what a caller sent (an object id, a refusal's reason) with any NUL written out: a refused
    request must still be recorded, and PostgreSQL text cannot hold NUL."""
    return text.replace("\x00", "\\x00") if text else text


def leaf_bytes(row: Any) -> bytes:
    """The bytes a leaf hashes: canonical JSON of the entry's fields (not its position in the log)."""
    mapping = row._mapping if hasattr(row, "_mapping") else row
    values = {name: mapping[name] for name in LEAF_FIELDS}
    occurred_at = values["occurred_at"]
    if isinstance(occurred_at, datetime):  # what canonical_json would write, without its per-value fallback hook
        values["occurred_at"] = occurred_at.isoformat()
    return canonical_json(values)
