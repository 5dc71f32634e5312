"""The draw's arithmetic, pure: commitments, the pool hash, the seed, the order of the whole pool and the committee
taken from it. `transcript.verify` replays exactly these functions offline, so they never read a database or a clock.

- pool hash  = H(canonical JSON of the draw's terms, the pool snapshot (sorted by expert id) and the recusals)
- commitment = H(contribution bytes)
- seed       = H(canonical JSON {"draw_id", "round", "pool_hash", "contributions": [[party, hex], ...] by party,
               "history": H(canonical JSON of the earlier, restarted rounds)})
- order      = the pool's ids sorted by H(seed bytes ‖ expert id), ties by id
- committee  = walk the order, skipping declined and replaced experts; take one who fills an unmet specialty need,
               or anyone while the free places exceed the unmet needs; the next ones not taken are the reserves.
H is the tender suite's hash: SM3 for gm, SHA-256 for std (GM/T 0004; FIPS 180-4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

from zhaocai.core.canonical import canonical_json
from zhaocai.crypto.hashing import digest

HASHES: dict[str, type[hashes.HashAlgorithm]] = {"sm3": hashes.SM3, "sha256": hashes.SHA256}
HASH_OF_SUITE = {"gm": "sm3", "std": "sha256"}


def h(hash_name: str, data: bytes) -> bytes:
    try:
        algorithm = HASHES[hash_name]
    except KeyError:
        raise ValueError(f"unknown hash {hash_name!r}; expected one of {', '.join(HASHES)}") from None
    return digest(algorithm(), data)


@dataclass(frozen=True)
class PoolEntry:
    expert_id: str
    specialties: tuple[str, ...]
    region: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.expert_id, "specialties": list(self.specialties), "region": self.region}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> PoolEntry:
        specialties = data["specialties"]
        assert isinstance(specialties, list)
        return cls(
            expert_id=str(data["id"]), specialties=tuple(str(s) for s in specialties), region=str(data["region"])
        )


def pool_snapshot(entries: Iterable[PoolEntry]) -> list[dict[str, object]]:
    return [entry.as_json() for entry in sorted(entries, key=lambda e: e.expert_id)]


def pool_hash(hash_name: str, body: object) -> str:
    return h(hash_name, canonical_json(body)).hex()


def commitment_of(hash_name: str, contribution_hex: str) -> str:
    return h(hash_name, bytes.fromhex(contribution_hex)).hex()


def seed_of(
    hash_name: str,
    *,
    draw_id: str,
    round_no: int,
    pool_hash_hex: str,
    contributions: Mapping[str, str],
    history: str,
) -> str:
    """`history` is the hash of the earlier, restarted rounds' records (commitments, reveals, who failed)."""
    body = {
        "draw_id": draw_id,
        "round": round_no,
        "pool_hash": pool_hash_hex,
        "contributions": [[party, contributions[party]] for party in sorted(contributions)],
        "history": history,
    }
    return h(hash_name, canonical_json(body)).hex()


def order_of(hash_name: str, seed_hex: str, expert_ids: Iterable[str]) -> list[str]:
    seed = bytes.fromhex(seed_hex)
    return sorted(expert_ids, key=lambda expert_id: (h(hash_name, seed + expert_id.encode()), expert_id))


@dataclass(frozen=True)
class Selection:
    members: tuple[str, ...]  # in draw order
    reserves: tuple[str, ...]
    unmet: dict[str, int]  # specialty needs the pool could not fill (empty when the draw succeeded)

    @property
    def complete(self) -> bool:
        return not self.unmet


def select(
    order: Sequence[str],
    specialties: Mapping[str, Sequence[str]],
    *,
    count: int,
    needs: Mapping[str, int],
    reserves: int,
    skipped: Iterable[str] = (),
) -> Selection:
    left = dict(sorted((code, n) for code, n in needs.items() if n > 0))
    skip = set(skipped)
    taken: list[str] = []
    spare: list[str] = []
    for expert_id in order:
        if expert_id in skip:
            continue
        if len(taken) == count:
            if len(spare) == reserves:
                break
            spare.append(expert_id)
            continue
        fills = next((code for code in left if left[code] > 0 and code in specialties[expert_id]), None)
        if fills is not None:
            left[fills] -= 1
            taken.append(expert_id)
        elif count - len(taken) > sum(left.values()):
            taken.append(expert_id)
    unmet = {code: n for code, n in left.items() if n > 0}
    if len(taken) < count:
        unmet["*"] = count - len(taken) - sum(unmet.values())
        unmet = {code: n for code, n in unmet.items() if n > 0} or {"*": count - len(taken)}
    return Selection(members=tuple(taken), reserves=tuple(spare), unmet=unmet)
