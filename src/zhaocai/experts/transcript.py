"""The published draw transcript and its offline replay (`zhaocai draw verify`). Pure: no database, no clock.

The pool hash committed before anyone commits to a contribution covers the draw's terms (lot, size, needs, regions,
representatives), the eligible pool and the recusals, so none of them can be changed after the commitments. The seed
covers the final round's contributions and every earlier (failed) round, so a restart cannot be rewritten either.
Declines and replacements come after the seed and change the committee only by the rule in `selection.select`. The
`digest` over the whole transcript catches edits to what replay cannot see (the wording of a decline reason); it
proves integrity, not authorship: the archive's signature and the audit log prove who published it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhaocai.core.canonical import canonical_json
from zhaocai.experts.selection import (
    PoolEntry,
    commitment_of,
    h,
    order_of,
    pool_hash,
    seed_of,
    select,
)

FORMAT = "zhaocai-draw-transcript/1"
PLATFORM = "platform"  # the party that reveals last, automatically
TERMS = (
    "draw_id",
    "tender_id",
    "lot_id",
    "hash",
    "committee_size",
    "expert_count",
    "reserves",
    "needs",
    "regions",
    "remote",
    "evaluation_at",
    "parties",
    "representatives",
)


def pool_commitment_body(terms: Mapping[str, Any], pool: list[dict[str, Any]], recusals: list[dict[str, Any]]) -> Any:
    return {"terms": {key: terms[key] for key in TERMS}, "pool": pool, "recusals": recusals}


def committed_pool_hash(terms: Mapping[str, Any], pool: list[dict[str, Any]], recusals: list[dict[str, Any]]) -> str:
    return pool_hash(terms["hash"], pool_commitment_body(terms, pool, recusals))


def round_seed(transcript: Mapping[str, Any]) -> str:
    rounds = transcript["rounds"]
    last = rounds[-1]
    return seed_of(
        transcript["hash"],
        draw_id=transcript["draw_id"],
        round_no=last["round"],
        pool_hash_hex=transcript["pool_hash"],
        contributions=last["contributions"],
        history=history_hash(transcript["hash"], rounds[:-1]),
    )


def history_hash(hash_name: str, earlier: list[Any]) -> str:
    return h(hash_name, canonical_json(earlier)).hex()


def digest_of(transcript: Mapping[str, Any]) -> str:
    body = {key: value for key, value in transcript.items() if key != "digest"}
    return h(str(transcript.get("hash", "sha256")), canonical_json(body)).hex()


def seal(transcript: dict[str, Any]) -> dict[str, Any]:
    """Add the digest (the last step of building a transcript)."""
    transcript["digest"] = digest_of(transcript)
    return transcript


def verify(transcript: Mapping[str, Any]) -> list[str]:
    """Replay the draw; each problem found is one line saying what does not match. [] means it replays exactly."""
    try:
        return _verify(transcript)
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError) as error:
        return [f"malformed transcript: {type(error).__name__}: {error}"]


def _verify(t: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if t.get("format") != FORMAT:
        return [f"format is {t.get('format')!r}, expected {FORMAT!r}"]
    hash_name = t["hash"]
    pool = t["pool"]
    ids = [entry["id"] for entry in pool]
    if ids != sorted(set(ids)):
        problems.append("pool: entries are not unique and sorted by expert id")
    recused = {item["expert_id"] for item in t["recusals"]}
    if recused & set(ids):
        problems.append(f"pool: recused experts are in the pool: {sorted(recused & set(ids))}")
    expected_pool_hash = committed_pool_hash(t, pool, t["recusals"])
    if t["pool_hash"] != expected_pool_hash:
        problems.append(
            f"pool_hash: {t['pool_hash']} does not match the terms, pool and recusals ({expected_pool_hash})"
        )
    problems += _check_rounds(t, hash_name)
    seed = round_seed(t)
    if t["seed"] != seed:
        problems.append(f"seed: {t['seed']} is not the hash of the pool hash and the contributions ({seed})")
    order = order_of(hash_name, seed, ids)
    if list(t["order"]) != order:
        problems.append("order: differs from the order the seed gives the pool")
    specialties = {entry["id"]: PoolEntry.from_json(entry).specialties for entry in pool}
    skipped = [item["expert_id"] for item in t["declines"]] + list(t["replaced"])
    outside = sorted(set(skipped) - set(ids))
    if outside:
        problems.append(f"declines/replaced: not in the pool: {outside}")
    chosen = select(
        order,
        specialties,
        count=t["expert_count"],
        needs=t["needs"],
        reserves=t["reserves"],
        skipped=skipped,
    )
    if list(t["committee"]["experts"]) != list(chosen.members):
        problems.append(f"committee.experts: {t['committee']['experts']}; the replay takes {list(chosen.members)}")
    if list(t["committee"]["reserves"]) != list(chosen.reserves):
        problems.append(
            f"committee.reserves: {t['committee']['reserves']} but the replay gives {list(chosen.reserves)}"
        )
    if dict(t["unmet"]) != chosen.unmet:
        problems.append(f"unmet: {t['unmet']}; the replay leaves {chosen.unmet} unfilled")
    if t["expert_count"] + len(t["representatives"]) != t["committee_size"]:
        problems.append("committee_size: is not the experts plus the tenderer's representatives")
    if t.get("digest") != digest_of(t):
        problems.append("digest: the transcript was changed after it was published")
    return problems


def _check_rounds(t: Mapping[str, Any], hash_name: str) -> list[str]:
    problems: list[str] = []
    parties = sorted(t["parties"])
    rounds = t["rounds"]
    if not rounds:
        return ["rounds: none"]
    for number, record in enumerate(rounds, start=1):
        where = f"rounds[{number}]"
        if record["round"] != number:
            problems.append(f"{where}: numbered {record['round']}")
        if sorted(record["commitments"]) != parties:
            problems.append(f"{where}: commitments from {sorted(record['commitments'])}, expected {parties}")
        for party, contribution in record["contributions"].items():
            if commitment_of(hash_name, contribution) != record["commitments"].get(party):
                problems.append(f"{where}: {party}'s contribution does not match its commitment")
        last = number == len(rounds)
        missing = sorted(set(parties) - set(record["contributions"]))
        if last and (record["failed"] or missing):
            problems.append(f"{where}: the final round lacks reveals from {missing or record['failed']}")
        # In a restarted round the platform, which reveals only after every other party, has not revealed either.
        if not last and (
            not record["failed"] or PLATFORM in record["failed"] or sorted({*record["failed"], PLATFORM}) != missing
        ):
            problems.append(f"{where}: a restarted round must name exactly the parties that did not reveal")
    return problems


def assemble(
    terms: Mapping[str, Any],
    pool: list[dict[str, Any]],
    recusals: list[dict[str, Any]],
    rounds: list[dict[str, Any]],
    declines: list[dict[str, Any]],
    replaced: list[str],
) -> dict[str, Any]:
    """The transcript of a draw whose final round is fully revealed: the platform builds it with the same functions
    `verify` replays, so what it stores and what anyone recomputes cannot drift apart."""
    transcript: dict[str, Any] = {"format": FORMAT, **{key: terms[key] for key in TERMS}}
    transcript |= {"pool": pool, "recusals": recusals, "pool_hash": committed_pool_hash(terms, pool, recusals)}
    transcript["rounds"] = rounds
    seed = round_seed(transcript)
    order = order_of(terms["hash"], seed, [entry["id"] for entry in pool])
    specialties = {entry["id"]: PoolEntry.from_json(entry).specialties for entry in pool}
    chosen = select(
        order,
        specialties,
        count=terms["expert_count"],
        needs=terms["needs"],
        reserves=terms["reserves"],
        skipped=[item["expert_id"] for item in declines] + list(replaced),
    )
    transcript |= {"seed": seed, "order": order, "declines": declines, "replaced": replaced}
    transcript["committee"] = {"experts": list(chosen.members), "reserves": list(chosen.reserves)}
    transcript["unmet"] = chosen.unmet
    return seal(transcript)
