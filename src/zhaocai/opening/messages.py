"""Exchange messages of the opening (DESIGN principle 7), keyed by national data item names. PLATFORM_CODE, the
message id and the signature are stamped by the relay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from zhaocai.tendering.messages import data_timestamp
from zhaocai.tendering.queries import BiddingTerms

OPENING_FAILED = "BID_OPENING_FAILED"  # 流标: fewer than opening_min_bidders bids (条例44), the lot is not opened
OPENING_STARTED = "BID_OPENING_STARTED"  # the decryption window of a stage is open
OPENING_RECORD = "BID_OPENING_RECORD"  # 开标记录 published, signed


def lot_items(terms: BiddingTerms, at: datetime) -> dict[str, Any]:
    return {
        "DATA_TIMESTAMP": data_timestamp(at),
        "TENDER_PROJECT_CODE": terms.tender_number,
        "BID_SECTION_CODE": terms.lot_number,
        "BID_SECTION_NAME": terms.lot_name,
    }


def opening_failed(terms: BiddingTerms, at: datetime, bids: int, reason: str, citation: str) -> dict[str, Any]:
    return lot_items(terms, at) | {"BIDDER_COUNT": bids, "FAIL_REASON": reason, "LEGAL_BASIS": citation}


def opening_started(terms: BiddingTerms, at: datetime, stage: str, window_ends_at: datetime) -> dict[str, Any]:
    return lot_items(terms, at) | {
        "BID_OPEN_TIME": data_timestamp(at),
        "OPENING_STAGE": stage,
        "DECRYPT_END_TIME": data_timestamp(window_ends_at),
    }


def opening_record(terms: BiddingTerms, at: datetime, record: dict[str, Any], signature_b64: str) -> dict[str, Any]:
    return lot_items(terms, at) | {"BID_OPEN_RECORD": record, "SIGNATURE": signature_b64}
