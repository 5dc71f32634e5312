"""Reading and writing the Merkle log's tables. Hot reads (proof nodes, checkpoints) go through the driver
connection with hand-written SQL: one round trip each, none of SQLAlchemy's per-statement overhead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from zhaocai.adapters.db.tables.audit import audit_checkpoints, audit_entries, audit_log
from zhaocai.audit.entries import LEAF_FIELDS
from zhaocai.audit.merkle import NodeId, storage_key

LOG_ROW = 1


class LogConfigurationError(RuntimeError):
    """The log in the database was started with another origin or hash than this platform is configured with."""


@dataclass(frozen=True)
class LogState:
    origin: str
    hash_name: str
    size: int
    root: bytes


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    note: str
    origin: str
    hash_name: str


def _state(row: Any) -> LogState:
    return LogState(row.origin, row.hash_name, row.size, bytes(row.root))


def read_state(conn: Connection) -> LogState | None:
    row = conn.execute(select(audit_log).where(audit_log.c.id == LOG_ROW)).first()
    return _state(row) if row else None


def lock_state(conn: Connection, *, origin: str, hash_name: str, empty_root: bytes, now: datetime) -> LogState:
    """The log's head row, created on first use, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite's
    BEGIN IMMEDIATE already holds the database's write lock)."""
    locked = select(audit_log).where(audit_log.c.id == LOG_ROW).with_for_update()
    row = conn.execute(locked).first()
    if row is None:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        values = {"id": LOG_ROW, "origin": origin, "hash_name": hash_name, "size": 0, "root": empty_root}
        conn.execute(dialect.insert(audit_log).values(**values, updated_at=now).on_conflict_do_nothing())
        row = conn.execute(locked).one()
    state = _state(row)
    if (state.origin, state.hash_name) != (origin, hash_name):
        raise LogConfigurationError(
            f"the audit log was started as {state.origin!r} hashed with {state.hash_name}; this platform is "
            f"configured for {origin!r} with {hash_name}"
        )
    return state


def pending_entries(conn: Connection, limit: int) -> Sequence[Any]:
    columns = [audit_entries.c.id, *(audit_entries.c[name] for name in LEAF_FIELDS)]
    query = select(*columns).where(audit_entries.c.leaf_index.is_(None)).order_by(audit_entries.c.id).limit(limit)
    return conn.execute(query).all()


def write_batch(
    conn: Connection,
    *,
    leaves: Sequence[tuple[int, int, bytes]],
    nodes: Sequence[tuple[int, bytes]],
    old_size: int,
    state: LogState,
    checkpoint_note: str,
    now: datetime,
) -> None:
    """`leaves`: (row id, leaf index, leaf hash); `nodes`: (storage key, hash). In the caller's transaction."""
    driver = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        if conn.dialect.name == "postgresql":  # one statement per table, arrays unnested server-side
            ids, indexes, hashes = zip(*leaves, strict=True)
            cursor.execute(_PG_SET_LEAVES, (list(ids), list(indexes), list(hashes)))
            keys, values = zip(*nodes, strict=True)
            cursor.execute(_PG_ADD_NODES, (list(keys), list(values)))
        else:
            cursor.executemany(_SET_LEAF, [(index, leaf_hash, row_id) for row_id, index, leaf_hash in leaves])
            cursor.executemany(_ADD_NODE, nodes)
    finally:
        cursor.close()
    moved = conn.execute(
        update(audit_log)
        .where(audit_log.c.id == LOG_ROW, audit_log.c.size == old_size)
        .values(size=state.size, root=state.root, updated_at=now)
    )
    if moved.rowcount != 1:
        raise RuntimeError("the audit log moved under a sequencer holding its lock")
    conn.execute(
        audit_checkpoints.insert().values(size=state.size, root=state.root, note=checkpoint_note, created_at=now)
    )


_SET_LEAF = "UPDATE audit_entries SET leaf_index = ?, leaf_hash = ? WHERE id = ?"
_ADD_NODE = "INSERT INTO audit_nodes (node_key, hash) VALUES (?, ?)"
_PG_SET_LEAVES = (
    "UPDATE audit_entries AS e SET leaf_index = v.i, leaf_hash = v.h "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[]) AS v(id, i, h) WHERE e.id = v.id"
)
_PG_ADD_NODES = "INSERT INTO audit_nodes (node_key, hash) SELECT * FROM unnest(%s::bigint[], %s::bytea[])"

# Hand-written SQL with "?" placeholders (only placeholders are ever put into these strings). 1 is LOG_ROW.
_NODES = "SELECT node_key, hash FROM audit_nodes WHERE node_key IN ({marks})"
_LEAF_INDEX = "SELECT COALESCE(leaf_index, -1) FROM audit_entries WHERE entry_id = ?"
_STATE = "SELECT origin, hash_name, size, root FROM audit_log WHERE id = 1"
_CHECKPOINT = (
    "SELECT c.size, c.root, c.note, l.origin, l.hash_name FROM audit_checkpoints c JOIN audit_log l ON l.id = 1"
)
_LATEST_CHECKPOINT = _CHECKPOINT + " ORDER BY c.size DESC LIMIT 1"
_CHECKPOINT_AT = _CHECKPOINT + " WHERE c.size = ?"
# An entry's place (NULL: no such entry; -1: not in the log yet) and the latest checkpoint in one round trip.
_ENTRY_AND_LATEST = (
    "SELECT (SELECT COALESCE(leaf_index, -1) FROM audit_entries WHERE entry_id = ?), "
    "c.size, c.root, c.note, l.origin, l.hash_name FROM audit_checkpoints c "
    "JOIN audit_log l ON l.id = 1 ORDER BY c.size DESC LIMIT 1"
)


@cache
def _nodes_sql(count: int) -> str:
    return _NODES.format(marks=",".join("?" * count))


class RawReader:
    """Single-round-trip reads on the connection's driver (sqlite3 or psycopg)."""

    def __init__(self, conn: Connection) -> None:
        self._driver = conn.connection.driver_connection
        self._qmark = conn.dialect.name == "sqlite"

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor = self._driver.cursor()
        try:
            cursor.execute(sql if self._qmark else sql.replace("?", "%s"), params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def nodes(self, ids: Sequence[NodeId]) -> dict[NodeId, bytes]:
        if not ids:
            return {}
        by_key = {storage_key(level, index): (level, index) for level, index in ids}
        rows = self._all(_nodes_sql(len(by_key)), list(by_key))
        return {by_key[key]: value if type(value) is bytes else bytes(value) for key, value in rows}

    def leaf_index(self, entry_id: str) -> int | None:
        """The entry's leaf index, -1 while it waits for the sequencer, None if there is no such entry."""
        rows = self._all(_LEAF_INDEX, (entry_id,))
        return rows[0][0] if rows else None

    def entry_and_latest_checkpoint(self, entry_id: str) -> tuple[int | None, StoredCheckpoint] | None:
        """(leaf index, -1 while waiting, or None if there is no such entry; the latest checkpoint), or None when
        no checkpoint exists yet."""
        rows = self._all(_ENTRY_AND_LATEST, (entry_id,))
        if not rows:
            return None
        leaf_index, size, root, note, origin, hash_name = rows[0]
        return leaf_index, StoredCheckpoint(size, bytes(root), note, origin, hash_name)

    def state(self) -> LogState | None:
        rows = self._all(_STATE)
        return LogState(rows[0][0], rows[0][1], rows[0][2], bytes(rows[0][3])) if rows else None

    def checkpoint(self, size: int | None = None) -> StoredCheckpoint | None:
        """The checkpoint at `size`, or the latest one."""
        rows = self._all(_LATEST_CHECKPOINT) if size is None else self._all(_CHECKPOINT_AT, (size,))
        if not rows:
            return None
        size_, root, note, origin, hash_name = rows[0]
        return StoredCheckpoint(size_, bytes(root), note, origin, hash_name)
