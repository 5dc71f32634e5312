"""Helpers for the audit log tests: a real log (entries written with `record_entry`, a sequencer with real
checkpoint keys) and a backup/restore of its tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from zhaocai.adapters.db.tables.audit import audit_checkpoints, audit_entries, audit_log, audit_nodes
from zhaocai.audit.checkpoint import checkpoint_signers
from zhaocai.audit.entries import record_entry
from zhaocai.audit.note import NoteVerifier, note_verifier
from zhaocai.audit.sequencer import Sequencer
from zhaocai.core.actor import Actor
from zhaocai.core.clock import FixedClock

ORIGIN = "test.zhaocai/audit"
LOG_TABLES = (audit_entries, audit_nodes, audit_log, audit_checkpoints)


@dataclass
class Log:
    engine: Engine
    suite: str
    sequencer: Sequencer
    verifiers: list[NoteVerifier]
    clock: FixedClock

    def write(self, count: int, *, tag: str = "e") -> list[str]:
        """`count` entries in one committed transaction; their ids."""
        with self.engine.begin() as conn:
            ids = []
            for i in range(count):
                actor = Actor(user_id=f"U{i % 3}", org_id="O1", ip="198.51.100.7", auth_method="password")
                ids.append(
                    record_entry(
                        conn,
                        occurred_at=self.clock.advance(seconds=1),
                        actor=actor,
                        action=f"test.{tag}",
                        outcome="ok",
                        object_type="thing",
                        object_id=f"{tag}{i}",
                        reason="原因" if i % 5 == 0 else None,
                    )
                )
            return ids

    def fill(self, *batches: int) -> list[str]:
        """Write and sequence batches of the given sizes (one checkpoint each)."""
        ids = []
        for size in batches:
            ids += self.write(size)
            info = self.sequencer.run_once(max_batch=size)
            assert info is not None and info.added == size
        return ids

    def rows(self) -> list[Any]:
        with self.engine.connect() as conn:
            return conn.execute(select(audit_entries).order_by(audit_entries.c.leaf_index)).all()


def make_log(engine: Engine, clock: FixedClock, keys: list[Any], suite: str) -> Log:
    signers = checkpoint_signers(suite, ORIGIN, keys)
    sequencer = Sequencer(engine, suite=suite, origin=ORIGIN, signers=signers, clock=clock)
    return Log(engine, suite, sequencer, [note_verifier(ORIGIN, s.key.public_key()) for s in signers], clock)


def snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of the log's tables: a copy of the database to restore later (a backup)."""
    with engine.connect() as conn:
        return {table.name: [dict(r._mapping) for r in conn.execute(select(table))] for table in LOG_TABLES}


def restore(engine: Engine, copy: dict[str, list[dict[str, Any]]]) -> None:
    with engine.begin() as conn:
        for table in LOG_TABLES:
            conn.execute(delete(table))
            if copy[table.name]:
                conn.execute(insert(table), copy[table.name])
