"""`verify_log` finds each way of tampering with the log, on both databases, and names the first bad entry (or,
when the stored hashes were rewritten to match, the earliest checkpoint whose signed root no longer holds)."""

from __future__ import annotations

import pytest
from audit_log_helpers import restore, snapshot
from sqlalchemy import delete, select, update

from zhaocai.adapters.db.tables.audit import audit_checkpoints, audit_entries, audit_log, audit_nodes
from zhaocai.audit.entries import LEAF_FIELDS, leaf_bytes
from zhaocai.audit.merkle import Frontier, hasher_for_suite, root_from_stored, storage_key, stored_node_count
from zhaocai.audit.proofs import latest_checkpoint
from zhaocai.audit.verify import verify_log


def verify(log, saved: str | None = None):
    with log.engine.connect() as conn:
        return verify_log(conn, log.suite, log.verifiers, saved)


def saved_checkpoint(log) -> str:
    with log.engine.connect() as conn:
        latest = latest_checkpoint(conn)
    assert latest is not None
    return latest["checkpoint"]


def entry_at(log, index: int):
    return next(r for r in log.rows() if r.leaf_index == index)


@pytest.fixture
def filled(log):
    """40 entries in four batches: checkpoints at 10, 20, 30, 40."""
    log.fill(10, 10, 10, 10)
    return log


def test_an_untouched_log_verifies(any_suite_log):
    log = any_suite_log
    log.fill(10, 3, 17)
    report = verify(log, saved_checkpoint(log))
    assert report.ok, report.problems
    assert (report.size, report.entries_checked, report.checkpoints_checked) == (30, 30, 3)
    assert report.nodes_checked == stored_node_count(30)
    assert report.first_bad is None


def test_update_of_a_field(any_suite_log):
    log = any_suite_log
    log.fill(10, 10, 10, 10)
    victim = entry_at(log, 17)
    with log.engine.begin() as conn:
        conn.execute(update(audit_entries).where(audit_entries.c.id == victim.id).values(reason="nothing happened"))
    report = verify(log)
    assert not report.ok
    assert [p.kind for p in report.problems] == ["leaf_hash_mismatch"]  # one edit, one problem
    assert (report.first_bad.leaf_index, report.first_bad.entry_id) == (17, victim.entry_id)


def test_delete_of_a_row(filled):
    victim = entry_at(filled, 23)
    with filled.engine.begin() as conn:
        conn.execute(delete(audit_entries).where(audit_entries.c.id == victim.id))
    report = verify(filled)
    assert [p.kind for p in report.problems] == ["leaf_missing"]
    assert report.first_bad.leaf_index == 23
    assert "23" in report.first_bad.message


def test_swapping_two_rows_contents(filled):
    first, second = entry_at(filled, 5), entry_at(filled, 31)
    contents = {row.id: {name: getattr(row, name) for name in LEAF_FIELDS} for row in (first, second)}
    with filled.engine.begin() as conn:
        conn.execute(update(audit_entries).where(audit_entries.c.id == second.id).values(entry_id="X" * 26))
        conn.execute(update(audit_entries).where(audit_entries.c.id == first.id).values(**contents[second.id]))
        conn.execute(update(audit_entries).where(audit_entries.c.id == second.id).values(**contents[first.id]))
    report = verify(filled)
    assert {(p.kind, p.leaf_index) for p in report.problems} == {("leaf_hash_mismatch", 5), ("leaf_hash_mismatch", 31)}
    assert (report.first_bad.leaf_index, report.first_bad.entry_id) == (5, second.entry_id)


def test_truncation_of_the_tail_caught_by_a_saved_checkpoint(filled):
    saved = saved_checkpoint(filled)  # someone kept the checkpoint for size 40
    hasher = hasher_for_suite(filled.suite)
    with filled.engine.begin() as conn:  # cut back to size 20, cleanly: every table agrees afterwards
        conn.execute(delete(audit_entries).where(audit_entries.c.leaf_index >= 20))
        conn.execute(delete(audit_nodes).where(audit_nodes.c.node_key >= stored_node_count(20)))
        conn.execute(delete(audit_checkpoints).where(audit_checkpoints.c.size > 20))
        nodes = {(level, index): None for level, index in Frontier.ids(20)}
        rows = conn.execute(select(audit_nodes).where(audit_nodes.c.node_key.in_([storage_key(*n) for n in nodes])))
        by_key = {r.node_key: bytes(r.hash) for r in rows}
        root = root_from_stored(hasher, 20, lambda ids: {n: by_key[storage_key(*n)] for n in ids})
        conn.execute(update(audit_log).values(size=20, root=root))
    assert verify(
        filled
    ).ok  # without an outside copy a clean truncation cannot be seen: that is what witnesses are for
    report = verify(filled, saved)
    assert [p.kind for p in report.problems] == ["saved_checkpoint_ahead"]
    assert report.first_bad.leaf_index == 20 and report.first_bad.leaf_range == (20, 40)


def test_rollback_to_an_earlier_copy(log):
    log.fill(10, 10)
    backup = snapshot(log.engine)
    log.fill(10, 10)
    saved = saved_checkpoint(log)  # a witness kept the checkpoint for size 40
    restore(log.engine, backup)
    report = verify(log, saved)
    assert [p.kind for p in report.problems] == ["saved_checkpoint_ahead"]
    assert report.first_bad.leaf_index == 20
    # and after the restored log has grown past the saved size again, the history no longer matches it
    log.fill(25)
    report = verify(log, saved)
    assert [p.kind for p in report.problems] == ["saved_checkpoint_mismatch"]
    assert report.first_bad.leaf_range == (0, 40)


def test_update_of_a_row_and_its_leaf_hash(filled):
    hasher = hasher_for_suite(filled.suite)
    victim = entry_at(filled, 12)
    with filled.engine.begin() as conn:
        conn.execute(update(audit_entries).where(audit_entries.c.id == victim.id).values(outcome="refused:late"))
        edited = conn.execute(select(audit_entries).where(audit_entries.c.id == victim.id)).one()
        new_hash = hasher.hash_leaf(leaf_bytes(edited))
        conn.execute(update(audit_entries).where(audit_entries.c.id == victim.id).values(leaf_hash=new_hash))
    report = verify(filled)
    assert [p.kind for p in report.problems] == ["leaf_hash_mismatch"]  # the stored tree still holds the old hash
    assert (report.first_bad.leaf_index, report.first_bad.entry_id) == (12, victim.entry_id)
    assert "stored node" in report.first_bad.message


def test_consistent_rewrite_of_every_stored_hash_is_bounded_by_the_signed_checkpoints(filled):
    """An insider edits entry 12 and recomputes its leaf hash, the tree above it and the head — but cannot sign."""
    hasher = hasher_for_suite(filled.suite)
    victim = entry_at(filled, 12)
    with filled.engine.begin() as conn:
        conn.execute(update(audit_entries).where(audit_entries.c.id == victim.id).values(action="test.nothing"))
        rows = conn.execute(select(audit_entries).order_by(audit_entries.c.leaf_index)).all()
        frontier = Frontier(hasher)
        for row in rows:
            leaf_hash = hasher.hash_leaf(leaf_bytes(row))
            conn.execute(update(audit_entries).where(audit_entries.c.id == row.id).values(leaf_hash=leaf_hash))
            for level, index, value in frontier.append(leaf_hash):
                key = storage_key(level, index)
                conn.execute(update(audit_nodes).where(audit_nodes.c.node_key == key).values(hash=value))
        conn.execute(update(audit_log).values(root=frontier.root()))
    report = verify(filled)
    assert {p.kind for p in report.problems} == {"checkpoint_mismatch"}
    assert [p.leaf_range for p in report.problems] == [(10, 20), (20, 30), (30, 40)]
    assert report.first_bad.leaf_range == (10, 20) and "10..19" in report.first_bad.message


def test_a_checkpoint_whose_row_or_signature_was_changed(filled):
    with filled.engine.begin() as conn:
        note = conn.execute(select(audit_checkpoints.c.note).where(audit_checkpoints.c.size == 30)).scalar_one()
        forged = note.replace("\n30\n", "\n31\n", 1)
        conn.execute(update(audit_checkpoints).where(audit_checkpoints.c.size == 30).values(note=forged))
        conn.execute(update(audit_checkpoints).where(audit_checkpoints.c.size == 10).values(root=b"\x00" * 32))
    report = verify(filled)
    assert [(p.kind, p.leaf_range) for p in report.problems] == [
        ("checkpoint_mismatch", (0, 10)),
        ("checkpoint_mismatch", (20, 30)),
    ]
    assert "signature does not verify" in report.problems[1].message


def test_head_moved_outside_the_sequencer(filled):
    with filled.engine.begin() as conn:
        conn.execute(update(audit_log).values(size=35))
    report = verify(filled)
    kinds = [p.kind for p in report.problems]
    assert "head_unsigned" in kinds and "entries_beyond_head" in kinds and "checkpoints_beyond_head" in kinds
    assert report.first_bad.leaf_index == 35


def test_a_forged_saved_checkpoint_is_reported(filled):
    saved = saved_checkpoint(filled).replace("\n40\n", "\n41\n", 1)
    report = verify(filled, saved)
    assert [p.kind for p in report.problems] == ["saved_checkpoint_invalid"]


def test_progress_is_reported(filled):
    seen = []
    with filled.engine.connect() as conn:
        verify_log(conn, filled.suite, filled.verifiers, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (40, 40)


def test_the_suite_must_match_the_log(filled):
    with filled.engine.connect() as conn:
        report = verify_log(conn, "std", filled.verifiers)
    assert [p.kind for p in report.problems] == ["hash_mismatch"]
