"""Signals of bid-rigging shown to the committee as flags, not verdicts (china-rules.md §4; reference/redflags.md §3).
Pure: the caller passes what opening and bonds recorded.

A flag names what matched, the bids it links, and the 条例40 head it may point to; the committee weighs it and
records its own decision on the checklist (collusion_fraud). A creation tool shared by every bid is a public tool,
not a signal, and is not flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

GENERIC_SIGNALS = frozenset({"creation_tool", "tool_id"})
SIGNAL_CITATIONS = {
    "machine_id_hash": "条例40(1)",
    "machine_hash": "条例40(1)",
    "creation_tool": "条例40(1)",
    "tool_id": "条例40(1)",
    "client_ip": "条例40(1)",
}


@dataclass(frozen=True)
class BidSignals:
    bid_id: str
    price: Decimal | None
    signals: dict[str, str]
    file_hashes: tuple[str, ...]
    project_manager: str | None = None


@dataclass(frozen=True)
class Flag:
    kind: str  # same_<signal> | same_file | identical_price | same_project_manager | same_bond_account
    value: str
    bid_ids: tuple[str, ...]
    citation: str
    note: str = "a flag for the committee to weigh, not a verdict"


def _groups(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    bids: dict[str, set[str]] = defaultdict(set)
    for value, bid_id in pairs:
        if value:
            bids[value].add(bid_id)
    return {value: tuple(sorted(ids)) for value, ids in sorted(bids.items()) if len(ids) > 1}


def flags_for(bids: Sequence[BidSignals], bond_accounts: dict[str, tuple[str, ...]] | None = None) -> list[Flag]:
    """`bond_accounts`: payer account → the bids whose bonds it paid (only accounts that paid for several)."""
    flags: list[Flag] = []
    keys = sorted({key for bid in bids for key in bid.signals})
    for key in keys:
        for value, ids in _groups((bid.signals.get(key, ""), bid.bid_id) for bid in bids).items():
            if key in GENERIC_SIGNALS and len(ids) == len(bids):
                continue
            flags.append(Flag(f"same_{key}", value, ids, SIGNAL_CITATIONS.get(key, "条例40")))
    for value, ids in _groups((h, bid.bid_id) for bid in bids for h in set(bid.file_hashes)).items():
        flags.append(Flag("same_file", value, ids, "条例40(4)"))
    for value, ids in _groups((str(bid.price) if bid.price is not None else "", bid.bid_id) for bid in bids).items():
        flags.append(Flag("identical_price", value, ids, "条例40(4)"))
    for value, ids in _groups((bid.project_manager or "", bid.bid_id) for bid in bids).items():
        flags.append(Flag("same_project_manager", value, ids, "条例40(3)"))
    for account, ids in sorted((bond_accounts or {}).items()):
        if len(ids) > 1:
            flags.append(Flag("same_bond_account", account, tuple(sorted(ids)), "条例40(6)"))
    return flags
