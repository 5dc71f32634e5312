"""RFC 6962 / RFC 9162 Merkle tree math, with a pluggable hash (SHA-256 for suite `std`, SM3 for suite `gm`).

Pure: no I/O. Proof generation is given a `fetch` function that returns stored complete-subtree hashes by
`NodeId` (level, index) — the subtree of 2**level leaves starting at leaf index * 2**level. A proof needs only
O(log n) complete subtrees: an incomplete subtree on the right edge of the tree is folded from the complete ones
it is made of, never recomputed from leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

NodeId = tuple[int, int]  # (level, index)
Fetch = Callable[[Sequence[NodeId]], Mapping[NodeId, bytes]]

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


class ProofError(ValueError):
    """A proof did not verify, or its arguments were impossible."""


@dataclass(frozen=True)
class TreeHasher:
    """The three RFC 6962 hash rules over one hash function."""

    name: str
    digest: Callable[[bytes], bytes]
    size: int

    def empty_root(self) -> bytes:
        return self.digest(b"")

    def hash_leaf(self, data: bytes) -> bytes:
        return self.digest(LEAF_PREFIX + data)

    def hash_children(self, left: bytes, right: bytes) -> bytes:
        return self.digest(NODE_PREFIX + left + right)


def _sm3() -> Callable[[bytes], bytes]:
    try:
        prototype = hashlib.new("sm3")
    except ValueError:  # the system OpenSSL was built without SM3
        from cryptography.hazmat.primitives import hashes

        def digest(data: bytes) -> bytes:
            h = hashes.Hash(hashes.SM3())
            h.update(data)
            return h.finalize()

        return digest

    def copy_digest(data: bytes) -> bytes:  # copying a fresh object is twice as fast as hashlib.new("sm3")
        h = prototype.copy()
        h.update(data)
        return h.digest()

    return copy_digest


@cache
def tree_hasher(hash_name: str) -> TreeHasher:
    if hash_name == "sha256":
        return TreeHasher("sha256", lambda data: hashlib.sha256(data).digest(), 32)
    if hash_name == "sm3":
        return TreeHasher("sm3", _sm3(), 32)
    raise ValueError(f"no Merkle hash named {hash_name!r} (sha256 | sm3)")


SUITE_HASH = {"std": "sha256", "gm": "sm3"}


def hasher_for_suite(suite: str) -> TreeHasher:
    """Suite `std` hashes the log with SHA-256, suite `gm` with SM3 (DESIGN principle 8)."""
    try:
        return tree_hasher(SUITE_HASH[suite])
    except KeyError:
        raise ValueError(f"unknown crypto suite {suite!r} (gm | std)") from None


# --- where subtrees are --------------------------------------------------------------------------------------


def storage_key(level: int, index: int) -> int:
    """One integer per complete subtree, in the order the subtrees complete as leaves are appended (the numbering
    of Go's sumdb/tlog StoredHashIndex): leaf 0, leaf 1, node(1,0), leaf 2, leaf 3, node(1,1), node(2,0), ...
    Appending only ever adds keys past the largest one, and a tree of n leaves has keys 0 .. 2n - popcount(n) - 1.
    """
    n = ((index + 1) << level) - 1  # the last leaf under the subtree
    return 2 * n - n.bit_count() + level


def stored_node_count(size: int) -> int:
    return 2 * size - size.bit_count()


def complete_subtrees(start: int, end: int) -> list[NodeId]:
    """The aligned complete subtrees that tile leaves [start, end), left to right, largest first where they fit."""
    width = end - start
    if width > 0 and width & (width - 1) == 0 and start % width == 0:  # most ranges in a proof: one subtree
        level = width.bit_length() - 1
        return [(level, start >> level)]
    nodes: list[NodeId] = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while (1 << level) > end - start:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hasher: TreeHasher, hashes: Sequence[bytes]) -> bytes:
    """The hash of an RFC 6962 subtree from the complete subtrees that tile it (right-to-left fold)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = hasher.hash_children(left, result)
    return result


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes make up PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), bottom to top."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo = lo + k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes make up PROOF(old_size, D[0:new_size]) (RFC 9162 §2.1.4.1), in proof order."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
    ranges: list[tuple[int, int]] = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while m != hi - lo:
        k = _largest_power_of_two_below(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


Tiling = list[list[NodeId]]


def tile(ranges: Iterable[tuple[int, int]]) -> Tiling:
    """Each range as the stored complete subtrees it is folded from."""
    return [complete_subtrees(lo, hi) for lo, hi in ranges]


def nodes_for(tiling: Tiling) -> list[NodeId]:
    """Every stored subtree a tiling needs, once each: what to fetch."""
    return list(dict.fromkeys(node for nodes in tiling for node in nodes))


def hashes_for(hasher: TreeHasher, tiling: Tiling, stored: Mapping[NodeId, bytes]) -> list[bytes]:
    try:
        return [stored[nodes[0]] if len(nodes) == 1 else fold(hasher, [stored[n] for n in nodes]) for nodes in tiling]
    except KeyError as missing:
        raise LookupError(f"stored subtree {missing.args[0]} is missing") from None


def inclusion_tiling(index: int, size: int) -> Tiling:
    """`tile(inclusion_ranges(index, size))` without the recursion (the hot path of every proof): below the level
    where the paths to `index` and to the last leaf part, one sibling per level (the topmost may be an incomplete
    right-edge subtree); above it, a complete left sibling wherever `index` has a 1 bit."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    inner = (index ^ (size - 1)).bit_length()
    tiling: Tiling = []
    for level in range(inner):
        sibling = (index >> level) ^ 1
        start = sibling << level
        if start + (1 << level) <= size:
            tiling.append([(level, sibling)])
        else:
            tiling.append(complete_subtrees(start, size))
    rest, level = index >> inner, inner
    while rest:
        if rest & 1:
            tiling.append([(level, rest - 1)])
        rest >>= 1
        level += 1
    return tiling


def inclusion_proof(hasher: TreeHasher, index: int, size: int, fetch: Fetch) -> list[bytes]:
    tiling = inclusion_tiling(index, size)
    return hashes_for(hasher, tiling, fetch(nodes_for(tiling)))


def consistency_proof(hasher: TreeHasher, old_size: int, new_size: int, fetch: Fetch) -> list[bytes]:
    tiling = tile(consistency_ranges(old_size, new_size))
    return hashes_for(hasher, tiling, fetch(nodes_for(tiling)))


def root_from_stored(hasher: TreeHasher, size: int, fetch: Fetch) -> bytes:
    if size == 0:
        return hasher.empty_root()
    tiling = tile([(0, size)])
    return hashes_for(hasher, tiling, fetch(nodes_for(tiling)))[0]


def root_of(hasher: TreeHasher, leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over the given leaf hashes (the reference definition, for tests and small trees)."""
    frontier = Frontier(hasher)
    for leaf_hash in leaf_hashes:
        frontier.append(leaf_hash)
    return frontier.root()


# --- appending ------------------------------------------------------------------------------------------------


class Frontier:
    """The complete subtrees on the right edge of a tree (one per set bit of its size): enough to append leaves
    and to compute the root. `append` returns every subtree the new leaf completes, in storage-key order.
    """

    def __init__(self, hasher: TreeHasher, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        ids = complete_subtrees(0, size)
        if len(ids) != len(hashes):
            raise ValueError(f"a tree of size {size} has {len(ids)} frontier subtrees, got {len(hashes)} hashes")
        self.hasher = hasher
        self.size = size
        self._stack: list[tuple[int, bytes]] = [(level, h) for (level, _), h in zip(ids, hashes, strict=True)]

    @staticmethod
    def ids(size: int) -> list[NodeId]:
        return complete_subtrees(0, size)

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        index = self.size
        completed = [(0, index, leaf_hash)]
        stack = self._stack
        stack.append((0, leaf_hash))
        level, value = 0, leaf_hash
        while len(stack) > 1 and stack[-2][0] == level:
            left = stack[-2][1]
            del stack[-2:]
            level += 1
            value = self.hasher.hash_children(left, value)
            stack.append((level, value))
            completed.append((level, index >> level, value))
        self.size = index + 1
        return completed

    def root(self) -> bytes:
        if not self._stack:
            return self.hasher.empty_root()
        return fold(self.hasher, [h for _, h in self._stack])


# --- verifying (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------------------------------


def _check_hash(hasher: TreeHasher, value: bytes, what: str) -> None:
    if len(value) != hasher.size:
        raise ProofError(f"{what} has {len(value)} bytes, a {hasher.name} hash has {hasher.size}")


def root_from_inclusion_proof(
    hasher: TreeHasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hash(hasher, leaf_hash, "the leaf hash")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        _check_hash(hasher, p, "a proof hash")
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = hasher.hash_children(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hasher.hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(
    hasher: TreeHasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    if root_from_inclusion_proof(hasher, index, size, leaf_hash, proof) != root:
        raise ProofError("the inclusion proof does not lead to the root")


def verify_consistency(
    hasher: TreeHasher, old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """A consistency proof from size 0 is always refused (it proves nothing), as transparency-dev/merkle does."""
    if old_size > new_size:
        raise ProofError(f"the old size {old_size} is larger than the new size {new_size}")
    if old_size == 0:
        raise ProofError("a consistency proof from an empty tree proves nothing")
    if old_size == new_size:
        if proof:
            raise ProofError("equal sizes need an empty proof")
        if old_root != new_root:
            raise ProofError("equal sizes but different roots")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    for p in proof:
        _check_hash(hasher, p, "a proof hash")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = hasher.hash_children(c, fr)
            sr = hasher.hash_children(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hasher.hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root")
