"""Rows of the award tables (adapters/db/tables/award.py): read as SQLAlchemy rows, written as plain values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from zhaocai.adapters.db.tables.award import (
    award_bond_interest,
    award_contract_signatures,
    award_contracts,
    award_decisions,
    award_notices,
    award_objections,
    award_performance_records,
    award_publicities,
)
from zhaocai.core.errors import NotFound

PublicityRow = Row[Any]
AwardRow = Row[Any]
NoticeRow = Row[Any]
ContractRow = Row[Any]
ObjectionRow = Row[Any]


def add(conn: Connection, table: Any, **values: Any) -> None:
    conn.execute(insert(table).values(**values))


def change(conn: Connection, table: Any, row_id: str, **values: Any) -> None:
    conn.execute(update(table).where(table.c.id == row_id).values(**values))


def _one(conn: Connection, query: Any) -> Row[Any] | None:
    return conn.execute(query).first()


def publicity_of_report(conn: Connection, lot_id: str, report_id: str) -> PublicityRow | None:
    return _one(
        conn,
        select(award_publicities).where(
            award_publicities.c.lot_id == lot_id, award_publicities.c.report_id == report_id
        ),
    )


def latest_publicity(conn: Connection, lot_id: str) -> PublicityRow | None:
    return _one(
        conn,
        select(award_publicities)
        .where(award_publicities.c.lot_id == lot_id)
        .order_by(award_publicities.c.published_at.desc()),
    )


def get_publicity(conn: Connection, publicity_id: str) -> PublicityRow:
    row = _one(conn, select(award_publicities).where(award_publicities.c.id == publicity_id))
    if row is None:
        raise NotFound(f"no publicity {publicity_id}", field="publicity_id")
    return row


def objections_of(conn: Connection, publicity_id: str) -> list[ObjectionRow]:
    query = (
        select(award_objections)
        .where(award_objections.c.publicity_id == publicity_id)
        .order_by(award_objections.c.raised_at, award_objections.c.id)
    )
    return list(conn.execute(query).all())


def get_objection(conn: Connection, objection_id: str) -> ObjectionRow:
    row = _one(conn, select(award_objections).where(award_objections.c.id == objection_id))
    if row is None:
        raise NotFound(f"no objection {objection_id}", field="objection_id")
    return row


def pending_objections(conn: Connection, lot_id: str) -> list[ObjectionRow]:
    query = select(award_objections).where(
        award_objections.c.lot_id == lot_id, award_objections.c.answered_at.is_(None)
    )
    return list(conn.execute(query).all())


def award_of_lot(conn: Connection, lot_id: str) -> AwardRow | None:
    return _one(conn, select(award_decisions).where(award_decisions.c.lot_id == lot_id))


def notices_of(conn: Connection, award_id: str) -> list[NoticeRow]:
    query = select(award_notices).where(award_notices.c.award_id == award_id).order_by(award_notices.c.kind)
    return list(conn.execute(query).all())


def get_notice(conn: Connection, notice_id: str) -> NoticeRow:
    row = _one(conn, select(award_notices).where(award_notices.c.id == notice_id))
    if row is None:
        raise NotFound(f"no award notice {notice_id}", field="notice_id")
    return row


def contract_of_lot(conn: Connection, lot_id: str) -> ContractRow | None:
    return _one(conn, select(award_contracts).where(award_contracts.c.lot_id == lot_id))


def get_contract(conn: Connection, contract_id: str) -> ContractRow:
    row = _one(conn, select(award_contracts).where(award_contracts.c.id == contract_id))
    if row is None:
        raise NotFound(f"no contract {contract_id}", field="contract_id")
    return row


def contract_signatures(conn: Connection, contract_id: str) -> list[Row[Any]]:
    query = (
        select(award_contract_signatures)
        .where(award_contract_signatures.c.contract_id == contract_id)
        .order_by(award_contract_signatures.c.signed_at, award_contract_signatures.c.party)
    )
    return list(conn.execute(query).all())


def bond_interest_of(conn: Connection, contract_id: str) -> list[Row[Any]]:
    query = (
        select(award_bond_interest)
        .where(award_bond_interest.c.contract_id == contract_id)
        .order_by(award_bond_interest.c.bidder_org_id)
    )
    return list(conn.execute(query).all())


def performance_of(conn: Connection, contract_id: str) -> list[Row[Any]]:
    query = (
        select(award_performance_records)
        .where(award_performance_records.c.contract_id == contract_id)
        .order_by(award_performance_records.c.occurred_on, award_performance_records.c.recorded_at)
    )
    return list(conn.execute(query).all())
