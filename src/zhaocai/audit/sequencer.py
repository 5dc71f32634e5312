"""The sequencer: the one writer of the Merkle log (DESIGN principle 5, the Tessera split of durable sequencing
from integration). Use cases commit audit entries without any global lock; the sequencer then takes committed
entries that have no leaf index yet, in id order as it reads them, and in ONE transaction assigns gapless leaf
indexes from the current size, stores their leaf hashes and every complete subtree they finish, moves the log's
head and signs one checkpoint for the batch.

Two sequencers at once are safe: PostgreSQL serialises them on the head row (SELECT ... FOR UPDATE); SQLite's
BEGIN IMMEDIATE (what the engine issues for every transaction) already does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from zhaocai.audit.checkpoint import Checkpoint, sign_checkpoint
from zhaocai.audit.entries import leaf_bytes
from zhaocai.audit.merkle import Frontier, hasher_for_suite, storage_key
from zhaocai.audit.note import NoteSigner
from zhaocai.audit.store import LogState, RawReader, lock_state, pending_entries, write_batch
from zhaocai.core.clock import Clock


@dataclass(frozen=True)
class CheckpointInfo:
    size: int
    root: bytes
    note: str
    first_index: int  # leaf index of the batch's first entry
    added: int


class Sequencer:
    def __init__(
        self,
        engine: Engine,
        *,
        suite: str,
        origin: str,
        signers: Sequence[NoteSigner],
        clock: Clock,
        batch_size: int = 1000,
    ) -> None:
        if not signers:
            raise ValueError("the sequencer needs at least one checkpoint signer")
        self.engine = engine
        self.hasher = hasher_for_suite(suite)
        self.origin = origin
        self.signers = list(signers)
        self.clock = clock
        self.batch_size = batch_size

    def run_once(self, max_batch: int | None = None) -> CheckpointInfo | None:
        """Integrate up to `max_batch` waiting entries; None when nothing was waiting."""
        hasher = self.hasher
        with self.engine.connect() as conn, conn.begin():
            now = self.clock.now()
            state = lock_state(conn, origin=self.origin, hash_name=hasher.name, empty_root=hasher.empty_root(), now=now)
            rows = pending_entries(conn, max_batch or self.batch_size)
            if not rows:
                return None
            frontier_ids = Frontier.ids(state.size)
            stored = RawReader(conn).nodes(frontier_ids)
            if len(stored) != len(frontier_ids):
                raise RuntimeError(f"stored subtrees of the log at size {state.size} are missing: run `audit verify`")
            frontier = Frontier(hasher, state.size, [stored[node] for node in frontier_ids])
            leaves, nodes = [], []
            for row in rows:
                index = frontier.size
                leaf_hash = hasher.hash_leaf(leaf_bytes(row))
                leaves.append((row.id, index, leaf_hash))
                for level, position, value in frontier.append(leaf_hash):
                    nodes.append((storage_key(level, position), value))
            new_state = LogState(state.origin, state.hash_name, frontier.size, frontier.root())
            note = sign_checkpoint(Checkpoint(self.origin, new_state.size, new_state.root), self.signers)
            write_batch(
                conn, leaves=leaves, nodes=nodes, old_size=state.size, state=new_state, checkpoint_note=note, now=now
            )
        return CheckpointInfo(new_state.size, new_state.root, note, state.size, len(rows))

    def drain(self, max_batch: int | None = None) -> int:
        """Integrate until nothing waits; the number of entries integrated."""
        total = 0
        while (info := self.run_once(max_batch)) is not None:
            total += info.added
        return total
