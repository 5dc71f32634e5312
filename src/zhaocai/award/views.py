"""Reads of the award for the API, with who may see what: the publicity and the award result are public; notices go
to the tender side, their addressee (once delivered) and staff readers; the contract to its parties and staff."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection

from zhaocai.award import repository
from zhaocai.award.queries import AwardOutcome, award_outcome
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotFound
from zhaocai.tendering.access import STAFF_READERS, is_tender_party
from zhaocai.tendering.queries import load_aggregate


def _tender_side(conn: Connection, actor: Actor, tender_id: str) -> bool:
    return is_tender_party(actor, load_aggregate(conn, tender_id))


def _staff(actor: Actor) -> bool:
    return bool(actor.roles & STAFF_READERS)


def publicity(conn: Connection, lot_id: str) -> dict[str, Any]:
    row = repository.latest_publicity(conn, lot_id)
    if row is None:
        raise NotFound(f"lot {lot_id} has no candidate publicity", field="lot_id")
    return json.loads(row.content)


def award(conn: Connection, lot_id: str) -> AwardOutcome:
    found = award_outcome(conn, lot_id)
    if found is None:
        raise NotFound(f"lot {lot_id} is not awarded yet", field="lot_id")
    return found


def notices(conn: Connection, actor: Actor, lot_id: str) -> list[Any]:
    decision = repository.award_of_lot(conn, lot_id)
    if decision is None:
        raise NotFound(f"lot {lot_id} is not awarded yet", field="lot_id")
    rows = repository.notices_of(conn, decision.id)
    if _tender_side(conn, actor, decision.tender_id) or _staff(actor):
        return rows
    return [row for row in rows if row.org_id == actor.org_id and row.delivered_at is not None]


def notice(conn: Connection, actor: Actor, notice_id: str) -> Any:
    row = repository.get_notice(conn, notice_id)
    decision = repository.award_of_lot(conn, row.lot_id)
    assert decision is not None
    if _tender_side(conn, actor, decision.tender_id) or _staff(actor):
        return row
    if row.org_id == actor.org_id and row.delivered_at is not None:
        return row
    raise Forbidden("this notice is for its addressee and the tender side", field="notice_id", code="not_addressee")


def contract(conn: Connection, actor: Actor, contract_id: str) -> tuple[Any, list[str]]:
    row = repository.get_contract(conn, contract_id)
    decision = repository.award_of_lot(conn, row.lot_id)
    assert decision is not None
    if not (_tender_side(conn, actor, row.tender_id) or _staff(actor) or actor.org_id == decision.winner_org_id):
        raise Forbidden("the contract is for its parties and staff readers", field="contract_id", code="not_a_party")
    return row, [sig.party for sig in repository.contract_signatures(conn, contract_id)]


def document_sha256(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()
