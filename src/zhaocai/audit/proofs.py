"""Proofs from the stored log, as JSON-able dicts (hashes in base64): what the API serves and `zhaocai audit
proof` prints. Each proof costs one query for the checkpoint, one for the O(log n) stored subtrees (plus one to
find an entry by id). `check_inclusion` / `check_consistency` are the client side: they verify the checkpoint's
signatures and the proof.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from zhaocai.audit.checkpoint import Checkpoint, open_checkpoint
from zhaocai.audit.merkle import (
    ProofError,
    consistency_ranges,
    hashes_for,
    inclusion_tiling,
    nodes_for,
    tile,
    tree_hasher,
    verify_consistency,
    verify_inclusion,
)
from zhaocai.audit.note import NoteVerifier
from zhaocai.audit.store import RawReader, StoredCheckpoint
from zhaocai.core.errors import Conflict, NotFound


class NotYetInLog(Conflict):
    """The entry is committed but the sequencer has not integrated it yet (about a second)."""

    code = "not_yet_in_log"


def _b64(value: bytes) -> str:
    return binascii.b2a_base64(value, newline=False).decode()


def _unb64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def _tree(reader: RawReader, size: int | None) -> StoredCheckpoint:
    """The checkpoint at `size` (the latest when None). A size with no checkpoint of its own still has a root,
    computed from stored subtrees; it comes back with empty `root` and `note`."""
    checkpoint = reader.checkpoint(size)
    if checkpoint is not None:
        return checkpoint
    state = reader.state()
    if size is None or state is None or not 0 < size <= state.size:
        have = state.size if state else 0
        raise NotFound(f"the audit log has no tree of size {size} (it has {have} entries)", field="tree_size")
    return StoredCheckpoint(size, b"", "", state.origin, state.hash_name)


def latest_checkpoint(conn: Connection) -> dict[str, Any] | None:
    checkpoint = RawReader(conn).checkpoint()
    if checkpoint is None:
        return None
    return {
        "origin": checkpoint.origin,
        "hash": checkpoint.hash_name,
        "tree_size": checkpoint.size,
        "root": _b64(checkpoint.root),
        "checkpoint": checkpoint.note,
    }


def _entry(reader: RawReader, entry_id: str, tree_size: int | None) -> tuple[int, StoredCheckpoint]:
    found = reader.entry_and_latest_checkpoint(entry_id) if tree_size is None else None  # usually one round trip
    leaf_index, tree = found if found is not None else (reader.leaf_index(entry_id), None)
    if leaf_index is None:
        raise NotFound(f"no audit entry {entry_id}", field="entry_id")
    if leaf_index < 0:
        raise NotYetInLog(f"audit entry {entry_id} is not in the log yet; try again in a second", field="entry_id")
    return leaf_index, tree or _tree(reader, tree_size)


def inclusion_proof(
    conn: Connection, *, entry_id: str | None = None, leaf_index: int | None = None, tree_size: int | None = None
) -> dict[str, Any]:
    """Proof that an entry (by id or leaf index) is in the tree of `tree_size` (default: the latest checkpoint)."""
    if (entry_id is None) == (leaf_index is None):
        raise ValueError("name the entry by entry_id or by leaf_index")
    reader = RawReader(conn)
    if entry_id is not None:
        leaf_index, tree = _entry(reader, entry_id, tree_size)
    else:
        tree = _tree(reader, tree_size)
    assert leaf_index is not None
    if not 0 <= leaf_index < tree.size:
        raise NotYetInLog(f"leaf {leaf_index} is not in the tree of size {tree.size}", field="leaf_index")
    hasher = tree_hasher(tree.hash_name)
    tiling = inclusion_tiling(leaf_index, tree.size)
    root_tiling = [] if tree.note else tile([(0, tree.size)])
    wanted = [node for nodes in tiling for node in nodes]  # distinct, and never the leaf itself
    stored = reader.nodes([*wanted, (0, leaf_index), *nodes_for(root_tiling)])
    path = hashes_for(hasher, tiling, stored)
    root = tree.root or hashes_for(hasher, root_tiling, stored)[0]
    proof: dict[str, Any] = {
        "origin": tree.origin,
        "hash": tree.hash_name,
        "leaf_index": leaf_index,
        "leaf_hash": _b64(stored[(0, leaf_index)]),
        "tree_size": tree.size,
        "root": _b64(root),
        "inclusion_path": [_b64(h) for h in path],
        "checkpoint": tree.note or None,
    }
    if entry_id is not None:
        proof["entry_id"] = entry_id
    return proof


def consistency_proof(conn: Connection, old_size: int, new_size: int | None = None) -> dict[str, Any]:
    """Proof that the tree of `old_size` is a prefix of the tree of `new_size` (default: the latest checkpoint)."""
    reader = RawReader(conn)
    new = _tree(reader, new_size)
    old = _tree(reader, old_size)
    if not 0 < old.size <= new.size:
        raise NotFound(f"no consistency proof from size {old.size} to size {new.size}", field="old_size")
    hasher = tree_hasher(new.hash_name)
    tiling = tile(consistency_ranges(old.size, new.size))
    old_tiling = [] if old.root else tile([(0, old.size)])
    new_tiling = [] if new.root else tile([(0, new.size)])
    stored = reader.nodes(nodes_for(tiling + old_tiling + new_tiling))
    path = hashes_for(hasher, tiling, stored)
    old_root = old.root or hashes_for(hasher, old_tiling, stored)[0]
    new_root = new.root or hashes_for(hasher, new_tiling, stored)[0]
    return {
        "origin": new.origin,
        "hash": new.hash_name,
        "old_size": old.size,
        "new_size": new.size,
        "old_root": _b64(old_root),
        "new_root": _b64(new_root),
        "consistency_path": [_b64(h) for h in path],
        "old_checkpoint": old.note or None,
        "new_checkpoint": new.note or None,
    }


def _signed_tree(note: str | None, size: int, root: bytes, verifiers: Sequence[NoteVerifier]) -> Checkpoint:
    if not note:
        raise ProofError(f"the proof carries no signed checkpoint for size {size}")
    checkpoint, _ = open_checkpoint(note, verifiers)
    if (checkpoint.size, checkpoint.root) != (size, root):
        raise ProofError("the signed checkpoint names another tree than the proof")
    return checkpoint


def check_inclusion(
    proof: dict[str, Any], verifiers: Sequence[NoteVerifier], *, leaf_hash: bytes | None = None
) -> Checkpoint:
    """Verify a proof from `inclusion_proof` as a client would; with `leaf_hash`, also that it is about that leaf.
    Raises ProofError (or NoteError for the checkpoint's signatures); returns the signed checkpoint."""
    root = _unb64(proof["root"])
    checkpoint = _signed_tree(proof.get("checkpoint"), proof["tree_size"], root, verifiers)
    proven_leaf = _unb64(proof["leaf_hash"])
    if leaf_hash is not None and leaf_hash != proven_leaf:
        raise ProofError("the proof is about another leaf")
    path = [_unb64(h) for h in proof["inclusion_path"]]
    verify_inclusion(tree_hasher(proof["hash"]), proof["leaf_index"], proof["tree_size"], proven_leaf, path, root)
    return checkpoint


def check_consistency(proof: dict[str, Any], verifiers: Sequence[NoteVerifier]) -> tuple[Checkpoint, Checkpoint]:
    old_root, new_root = _unb64(proof["old_root"]), _unb64(proof["new_root"])
    old = _signed_tree(proof.get("old_checkpoint"), proof["old_size"], old_root, verifiers)
    new = _signed_tree(proof.get("new_checkpoint"), proof["new_size"], new_root, verifiers)
    path = [_unb64(h) for h in proof["consistency_path"]]
    verify_consistency(tree_hasher(proof["hash"]), proof["old_size"], proof["new_size"], path, old_root, new_root)
    return old, new
