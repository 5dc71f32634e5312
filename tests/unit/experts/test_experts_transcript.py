"""The draw's replay: every honest draw verifies; any single changed field is found and named."""

from __future__ import annotations

import copy
import secrets
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhaocai.experts.selection import commitment_of, order_of, select
from zhaocai.experts.transcript import assemble, digest_of, seal, verify

SPECIALTIES = ("A01", "A02", "B01")


def _terms(hash_name: str, size: int, experts: int, needs: dict[str, int], parties: list[str]) -> dict[str, Any]:
    return {
        "draw_id": "01DRAW",
        "tender_id": "01TENDER",
        "lot_id": "01LOT",
        "hash": hash_name,
        "committee_size": size,
        "expert_count": experts,
        "reserves": 2,
        "needs": needs,
        "regions": ["110000"],
        "remote": False,
        "evaluation_at": "2026-04-01T01:00:00+00:00",
        "parties": parties,
        "representatives": [f"REP{i}" for i in range(size - experts)],
    }


def _round(number: int, parties: list[str], failed: tuple[str, ...] = (), hash_name: str = "sm3") -> dict[str, Any]:
    contributions = {party: secrets.token_hex(32) for party in parties}
    return {
        "round": number,
        "commitments": {party: commitment_of(hash_name, value) for party, value in contributions.items()},
        "contributions": {
            party: value for party, value in contributions.items() if not failed or party not in (*failed, "platform")
        },
        "failed": sorted(failed),
    }


@st.composite
def honest_draws(draw: st.DrawFn) -> dict[str, Any]:
    hash_name = draw(st.sampled_from(["sm3", "sha256"]))
    pool_size = draw(st.integers(min_value=9, max_value=20))
    pool = [
        {
            "id": f"E{i:03d}",
            "specialties": sorted(draw(st.sets(st.sampled_from(SPECIALTIES), min_size=1, max_size=2))),
            "region": "110000",
        }
        for i in range(pool_size)
    ]
    size = draw(st.sampled_from([5, 7]))
    experts = size if draw(st.booleans()) else size - 1
    needs = {"A01": draw(st.integers(0, 2))}
    parties = ["platform", "tenderer"] + (["supervision"] if draw(st.booleans()) else [])
    terms = _terms(hash_name, size, experts, needs, parties)
    restarts = draw(st.integers(0, 2))
    rounds = [_round(n + 1, parties, failed=(parties[-1],), hash_name=hash_name) for n in range(restarts)]
    rounds.append(_round(restarts + 1, parties, hash_name=hash_name))
    recusals = [{"expert_id": "X999", "reason": "employer_is_bidder", "detail": "employer bids on the lot"}]
    base = assemble(terms, pool, recusals, rounds, [], [])
    declined = draw(st.lists(st.sampled_from(base["committee"]["experts"]), max_size=2, unique=True))
    declines = [{"expert_id": expert_id, "reason": "出差"} for expert_id in declined]
    return assemble(terms, pool, recusals, rounds, declines, [])


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        if value and all(c in "0123456789abcdef" for c in value):
            return ("0" if value[0] != "0" else "1") + value[1:]
        return value + "x"
    raise AssertionError(f"unexpected leaf {value!r}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(honest_draws())
def test_every_honest_draw_verifies(transcript: dict[str, Any]) -> None:
    assert verify(transcript) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(honest_draws(), st.data())
def test_any_single_changed_field_is_refused(transcript: dict[str, Any], data: st.DataObject) -> None:
    leaves = [path for path in _leaves(transcript) if path[0] not in ("digest", "format")]
    path = data.draw(st.sampled_from(leaves))
    changed = copy.deepcopy(transcript)
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = _changed(holder[path[-1]])
    assert verify(changed), f"a change at {path} went unnoticed"
    # A forger who also recomputes the digest is still caught by the replay, except for free text (a reason).
    if path[0] == "declines" and path[-1] == "reason":
        return
    resealed = seal({key: value for key, value in changed.items() if key != "digest"})
    assert verify(resealed), f"a change at {path} with a recomputed digest went unnoticed"


def test_the_committee_follows_the_order_and_the_needs() -> None:
    order = ["a", "b", "c", "d", "e", "f", "g"]
    specialties = {"a": ["X"], "b": ["X"], "c": ["X"], "d": ["Y"], "e": ["X"], "f": ["Y"], "g": ["X"]}
    chosen = select(order, specialties, count=3, needs={"Y": 2}, reserves=2)
    assert chosen.members == ("a", "d", "f") and chosen.reserves == ("g",)
    assert chosen.complete
    declined = select(order, specialties, count=3, needs={"Y": 2}, reserves=2, skipped=["d"])
    assert declined.members == ("a", "f") and declined.unmet == {"Y": 1}


def test_a_changed_pool_entry_names_the_pool_hash() -> None:
    terms = _terms("sm3", 5, 5, {}, ["platform", "tenderer"])
    pool = [{"id": f"E{i}", "specialties": ["A01"], "region": "110000"} for i in range(8)]
    transcript = assemble(terms, pool, [], [_round(1, ["platform", "tenderer"])], [], [])
    forged = copy.deepcopy(transcript)
    forged["pool"][0]["region"] = "310000"
    forged["digest"] = digest_of(forged)
    assert any(line.startswith("pool_hash:") for line in verify(forged))


@pytest.mark.parametrize("hash_name", ["sm3", "sha256"])
def test_the_order_depends_on_the_seed_only(hash_name: str) -> None:
    ids = [f"E{i}" for i in range(30)]
    assert order_of(hash_name, "00" * 32, ids) == order_of(hash_name, "00" * 32, list(reversed(ids)))
    assert order_of(hash_name, "00" * 32, ids) != order_of(hash_name, "01" * 32, ids)
