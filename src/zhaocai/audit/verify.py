"""`verify_log`: recompute the whole log from the audit_entries rows and check everything stored against it.

One pass in leaf order, streamed in chunks. Every stored value is checked against what it must be:
- leaf indexes run 0, 1, 2, ... with no gap (a DELETE leaves one) and no repeat;
- each entry's leaf hash, recomputed from its fields, equals the hash stored on the row and the stored level-0
  node (an UPDATE or a swap of rows changes the first; an UPDATE that also rewrote the row's leaf_hash is still
  caught by the node);
- every stored complete subtree equals the hash of its stored children;
- every checkpoint's root equals the root at its size, its note text says the same, and its signature verifies;
- the log's head equals the root of all leaves, and nothing (entries, checkpoints) lies beyond it;
- a checkpoint saved outside the database: a log now smaller than it (truncation, or the database restored from an
  older copy) or with another root at its size (history rewritten) is reported.

Hashing carries on with the stored leaf hash where a row no longer matches it, so one edited row shows up as one
problem, not as a broken tree above it. When stored hashes were rewritten consistently (row, leaf hash, nodes and
head), the signed checkpoints no longer match and the earliest failing checkpoint bounds where the change lies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from zhaocai.adapters.db.tables.audit import audit_checkpoints, audit_entries, audit_log, audit_nodes
from zhaocai.audit.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint
from zhaocai.audit.entries import LEAF_FIELDS, leaf_bytes
from zhaocai.audit.merkle import Frontier, TreeHasher, hasher_for_suite, storage_key, tree_hasher
from zhaocai.audit.note import NoteError, NoteVerifier, note_verifier
from zhaocai.audit.store import read_state
from zhaocai.crypto.ports import VerifyingKey

CHUNK = 5000
MAX_PROBLEMS = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    leaf_index: int | None = None  # the first bad entry, when one can be named
    entry_id: str | None = None
    leaf_range: tuple[int, int] | None = None  # [start, end): where the change lies, when it cannot be pinned down


@dataclass
class Report:
    origin: str | None = None
    hash_name: str | None = None
    size: int = 0
    entries_checked: int = 0
    nodes_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_dropped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        """The problem naming the earliest entry; else the one whose leaf range starts earliest; else the first."""
        named = [p for p in self.problems if p.leaf_index is not None]
        if named:
            return min(named, key=lambda p: p.leaf_index or 0)
        ranged = [p for p in self.problems if p.leaf_range is not None]
        if ranged:
            return min(ranged, key=lambda p: p.leaf_range or (0, 0))
        return self.problems[0] if self.problems else None

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_dropped += 1


def _short(conn: Connection) -> AbstractContextManager[Any]:
    """A transaction of its own for one read, unless the caller holds one: SQLite's BEGIN IMMEDIATE must not be
    held for the whole walk."""
    return nullcontext() if conn.in_transaction() else conn.begin()


def _chunks(conn: Connection, make_query: Callable[[Any], Any], start: Any, key: Callable[[Any], Any]) -> Iterator[Any]:
    """Keyset pagination, one short read per chunk."""
    after = start
    while True:
        with _short(conn):
            rows = conn.execute(make_query(after)).all()
        yield from rows
        if len(rows) < CHUNK:
            return
        after = key(rows[-1])


def _entries(conn: Connection, size: int) -> Iterator[Any]:
    columns = [audit_entries.c.leaf_index, audit_entries.c.leaf_hash, *(audit_entries.c[n] for n in LEAF_FIELDS)]
    index = audit_entries.c.leaf_index

    def query(after: int) -> Any:
        return select(*columns).where(index > after, index < size).order_by(index).limit(CHUNK)

    return _chunks(conn, query, -1, lambda row: row.leaf_index)


def _nodes(conn: Connection) -> Iterator[Any]:
    key = audit_nodes.c.node_key
    return _chunks(
        conn,
        lambda after: select(key, audit_nodes.c.hash).where(key > after).order_by(key).limit(CHUNK),
        -1,
        lambda r: r[0],
    )


def _checkpoints(conn: Connection) -> Iterator[Any]:
    size = audit_checkpoints.c.size
    columns = [size, audit_checkpoints.c.root, audit_checkpoints.c.note]
    return _chunks(
        conn, lambda after: select(*columns).where(size > after).order_by(size).limit(CHUNK), -1, lambda r: r[0]
    )


class _StoredNodes:
    """The stored nodes in key order; `take(key)` returns the stored hash at that key, or None if it is missing."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def take(self, key: int) -> bytes | None:
        while self._next is not None and self._next[0] < key:
            self._next = next(self._rows, None)
        if self._next is None or self._next[0] != key:
            return None
        value = bytes(self._next[1])
        self._next = next(self._rows, None)
        return value


def _verifiers(origin: str, keys: Sequence[NoteVerifier | VerifyingKey]) -> list[NoteVerifier]:
    return [key if isinstance(key, NoteVerifier) else note_verifier(origin, key) for key in keys]


class _Walk:
    """One pass over the leaves in order, feeding a Frontier and checking nodes and checkpoints as it goes."""

    def __init__(
        self,
        report: Report,
        hasher: TreeHasher,
        origin: str,
        verifiers: list[NoteVerifier],
        nodes: _StoredNodes,
        checkpoints: Iterator[Any],
        saved: Checkpoint | None,
    ) -> None:
        self.report, self.hasher, self.origin, self.verifiers = report, hasher, origin, verifiers
        self.nodes = nodes
        self.checkpoints = checkpoints
        self.next_checkpoint = next(checkpoints, None)
        self.last_checkpoint_size = 0
        self.saved = saved
        self.frontier = Frontier(hasher)

    def leaf(self, index: int, recomputed: bytes | None, row_hash: bytes | None, entry_id: str | None) -> None:
        stored = self.nodes.take(storage_key(0, index))
        self.report.nodes_checked += stored is not None
        if recomputed is not None and (recomputed != row_hash or recomputed != stored):
            which = [
                name
                for name, value in (("the row's leaf_hash", row_hash), ("stored node", stored))
                if value != recomputed
            ]
            self.report.add(
                Problem(
                    "leaf_hash_mismatch",
                    f"entry {entry_id} at leaf {index}: its fields no longer hash to {' or '.join(which)} "
                    "(changed, or swapped with another row)",
                    leaf_index=index,
                    entry_id=entry_id,
                )
            )
        if stored is None:
            self.report.add(Problem("node_missing", f"stored leaf hash {index} is missing", leaf_index=index))
        value = stored if stored is not None else recomputed or row_hash
        if value is None:  # neither a row nor a stored node: the structure cannot go on truthfully
            value = self.hasher.empty_root()
        completed = self.frontier.append(value)
        for level, position, computed in completed[1:]:
            stored_node = self.nodes.take(storage_key(level, position))
            span = (position << level, (position + 1) << level)
            if stored_node is None:
                self.report.add(
                    Problem("node_missing", f"stored subtree {level}/{position} is missing", leaf_range=span)
                )
            elif stored_node != computed:
                self.report.add(
                    Problem(
                        "node_mismatch",
                        f"stored subtree {level}/{position} (leaves {span[0]}..{span[1] - 1}) is not the hash of its "
                        "children",
                        leaf_range=span,
                    )
                )
            self.report.nodes_checked += stored_node is not None
        self._at_size(self.frontier.size)

    def _at_size(self, size: int) -> None:
        while self.next_checkpoint is not None and self.next_checkpoint[0] <= size:
            row = self.next_checkpoint
            self.next_checkpoint = next(self.checkpoints, None)
            if row[0] == size:
                self._checkpoint(size, bytes(row[1]), row[2])
        if self.saved is not None and self.saved.size == size and self.saved.root != self.frontier.root():
            self.report.add(
                Problem(
                    "saved_checkpoint_mismatch",
                    f"the saved checkpoint for size {size} has another root than the log: entries before {size} "
                    "were changed, or the log was rolled back and rewritten",
                    leaf_range=(0, size),
                )
            )

    def _checkpoint(self, size: int, root: bytes, note: str) -> None:
        self.report.checkpoints_checked += 1
        span = (self.last_checkpoint_size, size)
        self.last_checkpoint_size = size
        actual = self.frontier.root()
        reasons = []
        if root != actual:
            reasons.append("its root is not the log's root at that size")
        try:
            signed, _ = open_checkpoint(note, self.verifiers)
            if signed != Checkpoint(self.origin, size, root):
                reasons.append("its signed text names another tree than the row")
        except NoteError as error:
            reasons.append(f"its signature does not verify ({error})")
        if reasons:
            self.report.add(
                Problem(
                    "checkpoint_mismatch",
                    f"checkpoint {size}: {'; '.join(reasons)} — the change lies in leaves {span[0]}..{size - 1}",
                    leaf_range=span,
                )
            )


def verify_log(
    conn: Connection,
    suite: str,
    verifying_keys: Sequence[NoteVerifier | VerifyingKey],
    saved_checkpoint: str | None = None,
    *,
    progress: Progress | None = None,
) -> Report:
    report = Report()
    with _short(conn):
        state = read_state(conn)
    if state is None:
        if saved_checkpoint:
            report.add(Problem("saved_checkpoint_ahead", "the log is empty but a checkpoint of it was saved", 0))
        return report
    report.origin, report.hash_name, report.size = state.origin, state.hash_name, state.size
    expected_hash = hasher_for_suite(suite).name
    if state.hash_name != expected_hash:
        report.add(
            Problem("hash_mismatch", f"the log is hashed with {state.hash_name}, suite {suite} uses {expected_hash}")
        )
        return report
    hasher = tree_hasher(state.hash_name)
    verifiers = _verifiers(state.origin, verifying_keys)
    saved = _saved(report, saved_checkpoint, state.origin, verifiers)

    walk = _Walk(report, hasher, state.origin, verifiers, _StoredNodes(_nodes(conn)), _checkpoints(conn), saved)
    expected = 0
    for row in _entries(conn, state.size):
        index = row.leaf_index
        if index < expected:
            report.add(
                Problem("leaf_repeated", f"leaf index {index} is used twice", leaf_index=index, entry_id=row.entry_id)
            )
            continue
        if index > expected:
            _gap(report, walk, expected, index)
        walk.leaf(index, hasher.hash_leaf(leaf_bytes(row)), _bytes(row.leaf_hash), row.entry_id)
        report.entries_checked += 1
        expected = index + 1
        if progress is not None and expected % 1000 == 0:
            progress(expected, state.size)
    if expected < state.size:
        _gap(report, walk, expected, state.size)
    if progress is not None:
        progress(state.size, state.size)

    if state.size and walk.last_checkpoint_size != state.size:
        report.add(
            Problem(
                "head_unsigned",
                f"the log's head (size {state.size}) has no checkpoint of its own: it was moved outside the sequencer",
                leaf_range=(walk.last_checkpoint_size, state.size),
            )
        )
    if walk.frontier.root() != state.root:
        report.add(Problem("head_mismatch", f"the log's head root is not the root of its {state.size} leaves"))
    _beyond_head(conn, report)
    if saved is not None and saved.size > state.size:
        report.add(
            Problem(
                "saved_checkpoint_ahead",
                f"a checkpoint for size {saved.size} was saved, but the log has only {state.size} entries: entries "
                f"{state.size}..{saved.size - 1} are gone (the log was truncated, or restored from an older copy)",
                leaf_index=state.size,
                leaf_range=(state.size, saved.size),
            )
        )
    return report


def _bytes(value: Any) -> bytes | None:
    return None if value is None else bytes(value)


def _gap(report: Report, walk: _Walk, start: int, end: int) -> None:
    report.add(
        Problem(
            "leaf_missing",
            f"leaf indexes {start}..{end - 1} have no entry (rows were deleted)"
            if end - start > 1
            else f"leaf index {start} has no entry (a row was deleted)",
            leaf_index=start,
            leaf_range=(start, end),
        )
    )
    for index in range(start, end):  # carry on with the stored leaf hashes, so later checks stay meaningful
        walk.leaf(index, None, None, None)


def _saved(report: Report, note: str | None, origin: str, verifiers: list[NoteVerifier]) -> Checkpoint | None:
    if not note:
        return None
    try:
        checkpoint, _ = open_checkpoint(note, verifiers)
    except NoteError as error:
        try:
            unsigned = parse_checkpoint(note[: note.rfind("\n\n") + 1])
            span = (0, unsigned.size)
        except (NoteError, ValueError):
            span = None
        report.add(
            Problem("saved_checkpoint_invalid", f"the saved checkpoint does not verify: {error}", leaf_range=span)
        )
        return None
    if checkpoint.origin != origin:
        report.add(
            Problem("saved_checkpoint_invalid", f"the saved checkpoint is of log {checkpoint.origin!r}, not {origin!r}")
        )
        return None
    return checkpoint


def _beyond_head(conn: Connection, report: Report) -> None:
    """Entries or checkpoints past the head (one statement each, so a sequencer running meanwhile cannot fool it)."""
    with _short(conn):
        first_entry = conn.execute(
            select(func.min(audit_entries.c.leaf_index)).where(
                audit_entries.c.leaf_index >= select(audit_log.c.size).scalar_subquery()
            )
        ).scalar()
        first_checkpoint = conn.execute(
            select(func.min(audit_checkpoints.c.size)).where(
                audit_checkpoints.c.size > select(audit_log.c.size).scalar_subquery()
            )
        ).scalar()
    if first_entry is not None:
        report.add(
            Problem(
                "entries_beyond_head",
                f"entries from leaf {first_entry} on lie beyond the log's head (the head was moved back)",
                leaf_index=first_entry,
            )
        )
    if first_checkpoint is not None:
        report.add(
            Problem(
                "checkpoints_beyond_head",
                f"a checkpoint for size {first_checkpoint} exists but the log's head is smaller (truncated)",
                leaf_range=(report.size, first_checkpoint),
            )
        )
