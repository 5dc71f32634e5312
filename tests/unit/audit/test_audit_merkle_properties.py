"""The Merkle math against the RFC's recursive definitions (written out naively here), against pymerkle, and
for both hashes. Proofs come from stored complete subtrees only, as the database serves them."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree

from zhaocai.audit.merkle import (
    Frontier,
    ProofError,
    TreeHasher,
    consistency_proof,
    hasher_for_suite,
    inclusion_proof,
    inclusion_ranges,
    inclusion_tiling,
    root_from_stored,
    root_of,
    storage_key,
    stored_node_count,
    tile,
    tree_hasher,
    verify_consistency,
    verify_inclusion,
)

HASHERS = [tree_hasher("sha256"), tree_hasher("sm3")]


# --- RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1, literally -------------------------------------------------------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(h: TreeHasher, leaves: list[bytes]) -> bytes:
    if not leaves:
        return h.empty_root()
    if len(leaves) == 1:
        return leaves[0]
    k = _k(len(leaves))
    return h.hash_children(mth(h, leaves[:k]), mth(h, leaves[k:]))


def path(h: TreeHasher, m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return [*path(h, m, leaves[:k]), mth(h, leaves[k:])]
    return [*path(h, m - k, leaves[k:]), mth(h, leaves[:k])]


def subproof(h: TreeHasher, m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(h, leaves)]
    k = _k(n)
    if m <= k:
        return [*subproof(h, m, leaves[:k], whole), mth(h, leaves[k:])]
    return [*subproof(h, m - k, leaves[k:], False), mth(h, leaves[:k])]


# --- a tree as the sequencer stores it ----------------------------------------------------------------------------


def build(h: TreeHasher, size: int) -> tuple[list[bytes], dict, list[bytes]]:
    leaves = [h.hash_leaf(b"entry %d" % i) for i in range(size)]
    stored: dict = {}
    frontier = Frontier(h)
    roots = [h.empty_root()]
    for leaf in leaves:
        for level, index, value in frontier.append(leaf):
            stored[(level, index)] = value
        roots.append(frontier.root())
    return leaves, stored, roots


def fetcher(stored: dict):
    calls = []

    def fetch(ids):
        calls.append(list(ids))
        return {node: stored[node] for node in ids}

    fetch.calls = calls  # type: ignore[attr-defined]
    return fetch


@pytest.mark.parametrize("h", HASHERS, ids=lambda h: h.name)
def test_every_proof_of_small_trees_matches_the_rfc_definitions(h):
    for size in range(1, 34):
        leaves, stored, roots = build(h, size)
        fetch = fetcher(stored)
        assert roots[size] == mth(h, leaves) == root_of(h, leaves) == root_from_stored(h, size, fetch)
        for m in range(size):
            proof = inclusion_proof(h, m, size, fetch)
            assert proof == path(h, m, leaves)
            verify_inclusion(h, m, size, leaves[m], proof, roots[size])
        for old in range(1, size + 1):
            proof = consistency_proof(h, old, size, fetch)
            assert proof == subproof(h, old, leaves, True)
            verify_consistency(h, old, size, proof, roots[old], roots[size])
    assert mth(h, []) == root_of(h, []) == h.digest(b"")


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 3000), data=st.data())
def test_proofs_need_few_stored_subtrees_and_one_fetch(size, data):
    h = HASHERS[0]
    leaves, stored, roots = build(h, size)
    m = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    fetch = fetcher(stored)
    proof = inclusion_proof(h, m, size, fetch)
    verify_inclusion(h, m, size, leaves[m], proof, roots[size])
    cproof = consistency_proof(h, old, size, fetch)
    verify_consistency(h, old, size, cproof, roots[old], roots[size])
    assert len(fetch.calls) == 2
    bound = 2 * size.bit_length() + 2  # O(log n): the path's complete subtrees plus a right edge's tiling
    assert all(len(call) <= bound for call in fetch.calls)


@settings(max_examples=80, deadline=None)
@given(size=st.integers(1, 200), data=st.data())
def test_any_change_to_a_proof_is_refused(size, data):
    h = HASHERS[1]
    leaves, stored, roots = build(h, size)
    m = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(h, m, size, fetcher(stored))
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        bad = list(proof)
        bad[i] = bytes(b ^ (1 << (bit % 8)) if j == bit // 8 else b for j, b in enumerate(bad[i]))
        with pytest.raises(ProofError):
            verify_inclusion(h, m, size, leaves[m], bad, roots[size])
        with pytest.raises(ProofError):
            verify_inclusion(h, m, size, leaves[m], proof[:-1], roots[size])
    with pytest.raises(ProofError):
        verify_inclusion(h, m, size, leaves[m], [*proof, leaves[0]], roots[size])
    other = data.draw(st.integers(0, size - 1))
    if leaves[other] != leaves[m]:
        with pytest.raises(ProofError):
            verify_inclusion(h, m, size, leaves[other], proof, roots[size])
    old = data.draw(st.integers(1, size))
    if old < size:
        cproof = consistency_proof(h, old, size, fetcher(stored))
        with pytest.raises(ProofError):
            verify_consistency(h, old, size, cproof, roots[old - 1] if old > 1 else leaves[1], roots[size])


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.binary(min_size=0, max_size=40), min_size=1, max_size=150), data=st.data())
def test_roots_and_inclusion_paths_agree_with_pymerkle(entries, data):
    """pymerkle (sha256, RFC 6962 prefixes) numbers leaves from 1 and puts the leaf hash first in its path."""
    h = HASHERS[0]
    theirs = InmemoryTree(algorithm="sha256")
    for entry in entries:
        theirs.append_entry(entry)
    leaves = [h.hash_leaf(entry) for entry in entries]
    stored: dict = {}
    frontier = Frontier(h)
    for size, leaf in enumerate(leaves, start=1):
        for level, index, value in frontier.append(leaf):
            stored[(level, index)] = value
        assert frontier.root() == theirs.get_root(size)
    size = data.draw(st.integers(1, len(entries)))
    m = data.draw(st.integers(0, size - 1))
    their_path = theirs.prove_inclusion(m + 1, size).serialize()["path"]
    ours = inclusion_proof(h, m, size, fetcher(stored))
    assert their_path == [leaves[m].hex(), *(node.hex() for node in ours)]


@settings(max_examples=300, deadline=None)
@given(size=st.integers(1, 2**62), data=st.data())
def test_the_fast_inclusion_tiling_is_the_rfc_path(size, data):
    index = data.draw(st.integers(0, size - 1))
    assert inclusion_tiling(index, size) == tile(inclusion_ranges(index, size))


def test_storage_keys_are_dense_and_in_append_order():
    h = HASHERS[0]
    frontier = Frontier(h)
    keys = []
    for i in range(1000):
        keys += [storage_key(level, index) for level, index, _ in frontier.append(h.hash_leaf(b"%d" % i))]
        assert len(keys) == stored_node_count(i + 1)
    assert keys == list(range(len(keys)))
    # Go's sumdb/tlog StoredHashIndex numbering
    assert [storage_key(0, n) for n in range(5)] == [0, 1, 3, 4, 7]
    assert (storage_key(1, 0), storage_key(1, 1), storage_key(2, 0)) == (2, 5, 6)


def test_a_frontier_restored_from_stored_subtrees_carries_on_identically():
    h = HASHERS[1]
    _, stored, roots = build(h, 77)
    for size in (0, 1, 13, 64, 76):
        frontier = Frontier(h, size, [stored[node] for node in Frontier.ids(size)])
        assert frontier.root() == roots[size]
        for i in range(size, 77):
            frontier.append(h.hash_leaf(b"entry %d" % i))
        assert frontier.root() == roots[77]
    with pytest.raises(ValueError):
        Frontier(h, 5, [])


def test_suite_hashes():
    assert hasher_for_suite("std").name == "sha256"
    assert hasher_for_suite("gm").name == "sm3"
    sm3 = tree_hasher("sm3")
    # GB/T 32905-2016 example 1
    assert sm3.digest(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    for data in (b"", b"\x00leaf", bytes(range(256)) * 3):
        reference = hashes.Hash(hashes.SM3())
        reference.update(data)
        assert sm3.digest(data) == reference.finalize()
        assert tree_hasher("sha256").digest(data) == hashlib.sha256(data).digest()
    assert sm3.hash_leaf(b"x") != tree_hasher("sha256").hash_leaf(b"x")
    assert sm3.hash_leaf(b"ab") != sm3.hash_children(b"a", b"b")  # the prefixes keep leaves and nodes apart
    with pytest.raises(ValueError):
        hasher_for_suite("rot13")
