"""What the experts package puts in a tender's archive: each lot's draw transcript (pool snapshot, recusals,
commitments and contributions, declines, order, committee), replayable with `zhaocai draw verify`."""

from __future__ import annotations

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.experts import expert_draws
from zhaocai.archive.items import ArchiveItem, json_item
from zhaocai.experts import repository
from zhaocai.experts.draws import build_transcript
from zhaocai.experts.model import DrawState


def archive_items(conn: Connection, tender_id: str) -> list[ArchiveItem]:
    query = (
        select(expert_draws.c.id)
        .where(expert_draws.c.tender_id == tender_id, expert_draws.c.state == DrawState.FIXED.value)
        .order_by(expert_draws.c.lot_id)
    )
    items = []
    for draw_id in conn.execute(query).scalars():
        draw = repository.get_draw(conn, draw_id)
        items.append(json_item(f"experts/lot-{draw.lot_id}/draw-transcript.json", build_transcript(conn, draw)))
    return items
