"""Proofs served from the database verify on the client side, for both suites, at the latest and older sizes."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import update

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.audit.entries import leaf_bytes
from zhaocai.audit.merkle import ProofError, hasher_for_suite, root_of, verify_consistency, verify_inclusion
from zhaocai.audit.note import NoteError, note_verifier
from zhaocai.audit.proofs import (
    NotYetInLog,
    check_consistency,
    check_inclusion,
    consistency_proof,
    inclusion_proof,
    latest_checkpoint,
)
from zhaocai.core.errors import NotFound
from zhaocai.crypto.keys import generate_signing_key


def _b(value: str) -> bytes:
    return base64.b64decode(value)


def test_every_entry_has_an_inclusion_proof_that_verifies(any_suite_log):
    log = any_suite_log
    hasher = hasher_for_suite(log.suite)
    ids = log.fill(7, 16)
    rows = log.rows()
    with log.engine.connect() as conn:
        for row in rows:
            proof = inclusion_proof(conn, entry_id=row.entry_id)
            json.dumps(proof)  # JSON-able as it is
            leaf_hash = hasher.hash_leaf(leaf_bytes(row))
            checkpoint = check_inclusion(proof, log.verifiers, leaf_hash=leaf_hash)
            assert (checkpoint.size, proof["leaf_index"], proof["hash"]) == (23, row.leaf_index, hasher.name)
            assert inclusion_proof(conn, leaf_index=row.leaf_index) == {
                k: v for k, v in proof.items() if k != "entry_id"
            }
        old = inclusion_proof(conn, entry_id=ids[3], tree_size=7)
        assert check_inclusion(old, log.verifiers).size == 7
        with pytest.raises(ProofError, match="another leaf"):
            check_inclusion(old, log.verifiers, leaf_hash=hasher.hash_leaf(b"forged"))


def test_a_size_without_its_own_checkpoint_still_gets_a_root_but_no_signature(log):
    hasher = hasher_for_suite(log.suite)
    log.fill(7, 16)
    leaves = [hasher.hash_leaf(leaf_bytes(r)) for r in log.rows()]
    with log.engine.connect() as conn:
        proof = inclusion_proof(conn, leaf_index=11, tree_size=12)
        consistency = consistency_proof(conn, 12, 23)
    assert proof["checkpoint"] is None and _b(proof["root"]) == root_of(hasher, leaves[:12])
    verify_inclusion(hasher, 11, 12, leaves[11], [_b(h) for h in proof["inclusion_path"]], _b(proof["root"]))
    with pytest.raises(ProofError, match="no signed checkpoint"):
        check_inclusion(proof, log.verifiers)
    path = [_b(h) for h in consistency["consistency_path"]]
    verify_consistency(hasher, 12, 23, path, root_of(hasher, leaves[:12]), root_of(hasher, leaves))


def test_consistency_proofs_between_checkpoints(any_suite_log):
    log = any_suite_log
    log.fill(5, 3, 8, 1)
    with log.engine.connect() as conn:
        latest = latest_checkpoint(conn)
        assert latest is not None and latest["tree_size"] == 17
        for old, new in [(5, 8), (5, 17), (8, 16), (16, 17), (17, 17)]:
            proof = consistency_proof(conn, old, new)
            json.dumps(proof)
            old_cp, new_cp = check_consistency(proof, log.verifiers)
            assert (old_cp.size, new_cp.size) == (old, new)
        assert consistency_proof(conn, 5)["new_size"] == 17
        forged = consistency_proof(conn, 5, 16)
    forged["old_root"] = forged["new_root"]
    with pytest.raises(ProofError):
        check_consistency(forged, log.verifiers)


def test_a_proof_whose_checkpoint_is_not_signed_by_a_trusted_key_is_refused(log):
    ids = log.fill(4)
    with log.engine.connect() as conn:
        proof = inclusion_proof(conn, entry_id=ids[0])
    strangers = [note_verifier("test.zhaocai/audit", generate_signing_key("ed25519").public_key())]
    with pytest.raises(NoteError):
        check_inclusion(proof, strangers)


def test_refusals(log):
    ids = log.fill(3)
    pending = log.write(1)[0]
    with log.engine.connect() as conn:
        with pytest.raises(NotFound):
            inclusion_proof(conn, entry_id="01NOSUCHENTRY0000000000000")
        with pytest.raises(NotYetInLog):
            inclusion_proof(conn, entry_id=pending)
        with pytest.raises(NotYetInLog):
            inclusion_proof(conn, leaf_index=3)
        for size in (0, 4, -1):
            with pytest.raises(NotFound):
                inclusion_proof(conn, entry_id=ids[0], tree_size=size)
        with pytest.raises(NotYetInLog):
            inclusion_proof(conn, entry_id=ids[2], tree_size=2)
        with pytest.raises(ValueError):
            inclusion_proof(conn)
        with pytest.raises(NotFound):
            consistency_proof(conn, 0, 3)
        with pytest.raises(NotFound):
            consistency_proof(conn, 3, 2)


def test_no_log_yet(log):
    with log.engine.connect() as conn:
        assert latest_checkpoint(conn) is None
        with pytest.raises(NotFound):
            inclusion_proof(conn, leaf_index=0)


def test_the_proof_is_about_the_leaf_as_stored_even_after_the_row_was_edited(log):
    """A proof is built from the stored tree; an edited row no longer matches it, which the client sees."""
    hasher = hasher_for_suite(log.suite)
    ids = log.fill(6)
    with log.engine.begin() as conn:
        conn.execute(update(audit_entries).where(audit_entries.c.entry_id == ids[2]).values(outcome="refused:x"))
    [row] = [r for r in log.rows() if r.entry_id == ids[2]]
    with log.engine.connect() as conn:
        proof = inclusion_proof(conn, entry_id=ids[2])
    check_inclusion(proof, log.verifiers)
    with pytest.raises(ProofError):
        check_inclusion(proof, log.verifiers, leaf_hash=hasher.hash_leaf(leaf_bytes(row)))
