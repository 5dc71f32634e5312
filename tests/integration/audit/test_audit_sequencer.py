"""The sequencer: gapless leaf indexes in the order it reads committed entries, one signed checkpoint per batch,
safe with two sequencers at once, and a background thread that makes proofs available shortly after commit."""

from __future__ import annotations

import threading
import time

import pytest
from audit_log_helpers import ORIGIN, make_log
from sqlalchemy import func, select

from zhaocai.adapters.db.tables.audit import audit_checkpoints, audit_entries, audit_log, audit_nodes
from zhaocai.audit.checkpoint import open_checkpoint
from zhaocai.audit.entries import leaf_bytes, record_entry
from zhaocai.audit.merkle import hasher_for_suite, root_of, stored_node_count
from zhaocai.audit.proofs import NotYetInLog, check_inclusion, inclusion_proof
from zhaocai.audit.sequencer import Sequencer
from zhaocai.audit.store import LogConfigurationError
from zhaocai.audit.verify import verify_log
from zhaocai.core.actor import Actor
from zhaocai.jobs import PeriodicJob
from zhaocai.usecase import use_case


def test_batches_get_gapless_indexes_hashes_nodes_and_one_checkpoint_each(any_suite_log):
    log = any_suite_log
    hasher = hasher_for_suite(log.suite)
    ids = log.write(25)
    sizes = []
    while (info := log.sequencer.run_once(max_batch=10)) is not None:
        sizes.append((info.first_index, info.added, info.size))
    assert sizes == [(0, 10, 10), (10, 10, 20), (20, 5, 25)]
    rows = log.rows()
    assert [r.leaf_index for r in rows] == list(range(25))
    assert [r.entry_id for r in rows] == ids  # one writer here: id order is commit order
    leaves = [hasher.hash_leaf(leaf_bytes(r)) for r in rows]
    assert [bytes(r.leaf_hash) for r in rows] == leaves
    with log.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_nodes)).scalar() == stored_node_count(25)
        state = conn.execute(select(audit_log)).one()
        checkpoints = conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.size)).all()
    assert (state.size, bytes(state.root), state.hash_name) == (25, root_of(hasher, leaves), hasher.name)
    assert [c.size for c in checkpoints] == [10, 20, 25]
    for c in checkpoints:
        signed, opened = open_checkpoint(c.note, log.verifiers)
        assert (signed.origin, signed.size, signed.root) == (ORIGIN, c.size, root_of(hasher, leaves[: c.size]))
        assert len(opened.verified_by) == (2 if log.suite == "gm" else 1)
    assert log.sequencer.run_once() is None


def test_nothing_waiting_signs_nothing(log):
    assert log.sequencer.run_once() is None
    with log.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_checkpoints)).scalar() == 0


def test_an_entry_committed_late_is_integrated_after_those_already_in_the_log(log):
    if log.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's write lock commits entries in id order; only PostgreSQL can commit them out of order")
    late = log.engine.connect()
    late.begin()
    late_id = record_entry(
        late, occurred_at=log.clock.now(), actor=Actor(user_id="U9"), action="test.late", outcome="ok"
    )
    early_ids = log.write(3)
    log.sequencer.run_once()
    late.commit()
    late.close()
    log.sequencer.run_once()
    rows = log.rows()
    assert [r.entry_id for r in rows] == [*early_ids, late_id]
    assert rows[0].id > rows[3].id  # the late entry has the smallest id but the last leaf
    with log.engine.connect() as conn:
        assert verify_log(conn, "gm", log.verifiers).ok


def test_two_sequencers_and_writers_at_once_keep_the_log_gapless(engine, clock, checkpoint_keys):
    log = make_log(engine, clock, checkpoint_keys, "gm")
    other = Sequencer(engine, suite="gm", origin=ORIGIN, signers=log.sequencer.signers, clock=clock)
    stop = threading.Event()
    errors: list[BaseException] = []

    def keep_sequencing(sequencer: Sequencer) -> None:
        try:
            while not stop.is_set():
                sequencer.run_once(max_batch=7)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=keep_sequencing, args=(s,)) for s in (log.sequencer, other)]
    for thread in threads:
        thread.start()
    written = []
    for _ in range(30):
        written += log.write(4)
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors
    log.sequencer.drain()
    rows = log.rows()
    assert sorted(r.entry_id for r in rows) == sorted(written)
    assert [r.leaf_index for r in rows] == list(range(120))
    with engine.connect() as conn:
        report = verify_log(conn, "gm", log.verifiers)
        checkpoints = conn.execute(select(func.count()).select_from(audit_checkpoints)).scalar()
    assert report.ok, report.problems
    assert report.checkpoints_checked == checkpoints


@use_case("test.poke", object_type="thing")
def do_poke_thing(*, uow, actor, thing_id: str) -> str:
    return thing_id


def test_background_sequencer_makes_the_proof_available_soon_after_commit(log, uow_factory):
    job = PeriodicJob("audit-sequencer", log.sequencer.drain, 0.05).start()
    try:
        uow = uow_factory()
        do_poke_thing(uow=uow, actor=Actor(user_id="U1"), thing_id="T1")
        with log.engine.connect() as conn:
            entry_id = conn.execute(select(audit_entries.c.entry_id)).scalar_one()
        proof = None
        give_up = time.monotonic() + 30
        while proof is None and time.monotonic() < give_up:
            try:
                with log.engine.connect() as conn:
                    proof = inclusion_proof(conn, entry_id=entry_id)
            except NotYetInLog:
                time.sleep(0.02)
    finally:
        job.stop()
    assert proof is not None and proof["entry_id"] == entry_id
    check_inclusion(proof, log.verifiers)


def test_a_log_keeps_its_origin_and_hash(engine, clock, checkpoint_keys):
    make_log(engine, clock, checkpoint_keys, "gm").fill(3)
    std = make_log(engine, clock, checkpoint_keys, "std")
    std.write(1)
    with pytest.raises(LogConfigurationError, match="sm3"):
        std.sequencer.run_once()
    renamed = Sequencer(engine, suite="gm", origin="other.zhaocai/audit", signers=std.sequencer.signers, clock=clock)
    with pytest.raises(LogConfigurationError, match=r"other\.zhaocai"):
        renamed.run_once()
