"""Pieces of SQL statements that several repositories build on."""

from __future__ import annotations

from sqlalchemy import Subquery, literal, select


def one_row() -> Subquery:
    """A subquery of exactly one row. Outer-joined to a table, it makes a statement answer even when the table has no
    matching row, so that other answers (EXISTS columns beside the joined row) come back in the same round trip."""
    return select(literal(1).label("anchor")).subquery("anchor")
