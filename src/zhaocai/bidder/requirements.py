"""What the lot asks of a bid (GET /api/v1/lots/{lot_id}/bid-requirements), or the same written by hand offline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BidRequirements:
    tender_id: str
    lot_id: str
    suite: str
    sections: tuple[str, ...]
    backup_key_remedy: bool
    bid_deadline: str | None = None
    max_envelope_bytes: int | None = None

    @property
    def two_envelope(self) -> bool:
        return self.sections == ("technical", "price")

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> BidRequirements:
        return cls(
            tender_id=value["tender_id"],
            lot_id=value["lot_id"],
            suite=value["suite"],
            sections=tuple(value["sections"]),
            backup_key_remedy=bool(value["backup_key_remedy"]),
            bid_deadline=value.get("bid_deadline"),
            max_envelope_bytes=value.get("max_envelope_bytes"),
        )

    @classmethod
    def load(cls, path: Path) -> BidRequirements:
        return cls.from_json(json.loads(path.read_text()))
