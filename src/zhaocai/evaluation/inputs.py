"""What evaluation reads from the stages before it, only through their published queries: the opening
(`zhaocai.opening.queries`), the committee (`zhaocai.experts.queries`) and the bond payments (`zhaocai.bonds.queries`).
Imported lazily so that evaluation's modules load on their own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def opening_status(conn: Connection, lot_id: str) -> Any:
    from zhaocai.opening.queries import opening_status as query

    return query(conn, lot_id)


def opened_bids(conn: Connection, lot_id: str) -> list[Any]:
    from zhaocai.opening.queries import opened_bids as query

    return query(conn, lot_id)


def committee(conn: Connection, lot_id: str) -> Any:
    from zhaocai.experts.queries import committee_for

    return committee_for(conn, lot_id)


def shared_bond_accounts(conn: Connection, lot_id: str) -> list[Any]:
    from zhaocai.bonds.queries import shared_payer_accounts

    return shared_payer_accounts(conn, [lot_id])
