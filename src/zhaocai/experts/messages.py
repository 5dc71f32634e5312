"""Exchange messages of the draw (DESIGN principle 7), keyed by the national data item names. None names a member
before the result is published (法37): the pool hash, the round, the parties and the seed only. A missed reveal is
flagged to supervision; the supervision platform may be a party and commit and reveal through the exchange."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from zhaocai.tendering.messages import data_timestamp
from zhaocai.tendering.queries import bidding_terms

DRAW_POOL_COMMITTED = "EXPERT_DRAW_POOL_COMMITTED"
DRAW_REVEAL_MISSED = "EXPERT_DRAW_REVEAL_MISSED"
DRAW_SEEDED = "EXPERT_DRAW_SEEDED"
DRAW_FIXED = "EXPERT_DRAW_FIXED"


def _items(conn: Connection, draw: Any, at: datetime) -> dict[str, Any]:
    terms = bidding_terms(conn, draw.lot_id)
    return {
        "DATA_TIMESTAMP": data_timestamp(at),
        "TENDER_PROJECT_CODE": terms.tender_number,
        "BID_SECTION_CODE": terms.lot_number,
        "DRAW_ID": draw.id,
        "ROUND": draw.round,
    }


def pool_committed(conn: Connection, draw: Any, at: datetime) -> dict[str, Any]:
    return _items(conn, draw, at) | {
        "POOL_HASH": draw.pool_hash,
        "HASH_ALGORITHM": draw.hash_name,
        "POOL_SIZE": len(draw.pool),
        "PARTIES": list(draw.parties),
        "COMMITTEE_SIZE": draw.size,
    }


def reveal_missed(conn: Connection, draw: Any, failed: list[str], at: datetime) -> dict[str, Any]:
    return _items(conn, draw, at) | {"FAILED_PARTIES": failed, "NEXT_ROUND": draw.round + 1, "FLAG": "reveal_missed"}


def seeded(conn: Connection, draw: Any, seed: str, at: datetime) -> dict[str, Any]:
    return _items(conn, draw, at) | {"POOL_HASH": draw.pool_hash, "SEED": seed}


def fixed(conn: Connection, draw: Any, at: datetime) -> dict[str, Any]:
    return _items(conn, draw, at) | {"COMMITTEE_SIZE": draw.size}
