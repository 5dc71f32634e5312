"""The platform archives every tender once it is concluded (20号令40): each lot has its contract signed, failed at
the opening (流标, 条例44) or had every bid rejected (评标规定27), or the tender itself ended (failed, cancelled,
re-tendered) after its deadline. A platform job runs `archive_concluded_tenders`; the package is built once, with the
reason "concluded" (the tender side may still build more on demand).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.archive import archive_packages
from zhaocai.adapters.db.tables.tendering import tenders
from zhaocai.core.actor import SYSTEM
from zhaocai.core.errors import DomainError
from zhaocai.tendering.ending import lot_failed
from zhaocai.tendering.model import State
from zhaocai.tendering.queries import tender_lot_ids

log = logging.getLogger("zhaocai.archive")
ENDED = (State.FAILED, State.CANCELLED, State.RE_TENDERED)


def lot_concluded(conn: Connection, lot_id: str) -> bool:
    from zhaocai.award.queries import award_outcome

    if lot_failed(conn, lot_id):
        return True
    outcome = award_outcome(conn, lot_id)
    return outcome is not None and outcome.contract_signed_at is not None


def concluded_tenders(conn: Connection, now: datetime) -> list[str]:
    """Tenders past their deadline, concluded, with no "concluded" package yet."""
    archived = select(archive_packages.c.tender_id).where(archive_packages.c.reason == "concluded")
    rows = conn.execute(
        select(tenders.c.id, tenders.c.state).where(
            tenders.c.state.in_([State.DEADLINE_PASSED.value, *(state.value for state in ENDED)]),
            tenders.c.bid_deadline <= now,
            tenders.c.id.not_in(archived),
        )
    ).all()
    return [
        row.id
        for row in rows
        if row.state != State.DEADLINE_PASSED.value
        or all(lot_concluded(conn, lot_id) for lot_id in tender_lot_ids(conn, row.id))
    ]


def archive_concluded_tenders(container: Any) -> list[str]:
    """Build the package of every newly concluded tender; the ids built."""
    from zhaocai.archive.service import build_archive

    with container.engine.connect() as conn:
        due = concluded_tenders(conn, container.clock.now())
    built = []
    for tender_id in due:
        try:
            build_archive(container, SYSTEM, tender_id, reason="concluded")
        except DomainError as refused:  # recorded by the use case; tried again on the next run
            log.warning("archiving tender %s was refused: %s", tender_id, refused)
            continue
        built.append(tender_id)
    return built
