"""Gathers the signals of a lot's opened bids (opening) and bond payments (bonds) and flags matches for the
committee (zhaocai.evaluation.flags)."""

from __future__ import annotations

from typing import Any

from zhaocai.evaluation import inputs
from zhaocai.evaluation.flags import BidSignals, flags_for


def lot_flags(conn: Any, lot_id: str, entries: list[Any]) -> list[dict[str, Any]]:
    opened = {b.bid_id: b for b in inputs.opened_bids(conn, lot_id)}
    by_org = {e.bidder_org_id: e.bid_id for e in entries}
    signals = [
        BidSignals(
            bid_id=e.bid_id,
            price=e.effective_price,
            signals=dict(opened[e.bid_id].signals) if e.bid_id in opened else {},
            file_hashes=tuple(f.sha256 for f in opened[e.bid_id].files) if e.bid_id in opened else (),
            project_manager=e.project_manager_certificate,
        )
        for e in entries
    ]
    accounts = {
        shared.account_number: tuple(by_org[o] for o in shared.bidder_org_ids if o in by_org)
        for shared in inputs.shared_bond_accounts(conn, lot_id)
    }
    return [flag.__dict__ | {"bid_ids": list(flag.bid_ids)} for flag in flags_for(signals, accounts)]
