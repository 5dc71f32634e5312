"""Who may act in a lot's evaluation: only the ACTIVE members of that lot's committee score, clarify, sign; the
chair (评标委员会负责人, 评标规定9: chosen by the members or named by the tenderer) drafts and closes the report; the
tender side sets the plan, starts the evaluation and extends its time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden
from zhaocai.evaluation import inputs
from zhaocai.identity.access import require_user
from zhaocai.tendering.access import require_tender_party
from zhaocai.tendering.queries import load_aggregate

CONFIDENTIAL_CITATION = "法38; 电子招标投标办法33"
REPLACED_CITATION = "条例48"


def committee_of(conn: Connection, lot_id: str) -> Any:
    committee = inputs.committee(conn, lot_id)
    if committee is None:
        raise Conflict(
            "the lot's evaluation committee is not fixed yet (the draw result is not final)",
            field="lot_id",
            code="committee_not_fixed",
        )
    return committee


def active_members(committee: Any) -> list[Any]:
    return [m for m in committee.members if m.status == "active"]


def replaced_members(committee: Any) -> list[Any]:
    return [m for m in committee.members if m.status != "active"]


def require_member(conn: Connection, actor: Actor, lot_id: str, *, action: str) -> Any:
    """The actor's ACTIVE membership of this lot's committee; Forbidden for anyone else (an expert of another
    committee included) and for a replaced member (条例48: its work is void)."""
    require_user(actor)
    committee = inputs.committee(conn, lot_id)
    for member in committee.members if committee is not None else ():
        if member.user_id != actor.user_id:
            continue
        if member.status != "active":
            raise Forbidden(
                f"you were replaced on this lot's evaluation committee: you may no longer {action}, and your "
                "earlier work is void (条例48)",
                field="member_id",
                code="member_replaced",
                citation=REPLACED_CITATION,
            )
        return member
    raise Forbidden(
        f"only the members of this lot's evaluation committee may {action}; the evaluation is confidential",
        field="lot_id",
        code="not_committee_member",
        citation=CONFIDENTIAL_CITATION,
    )


def require_chair(conn: Connection, actor: Actor, lot_id: str, chair_member_id: str | None, *, action: str) -> Any:
    member = require_member(conn, actor, lot_id, action=action)
    if member.member_id != chair_member_id:
        raise Forbidden(
            f"only the committee's chair (评标委员会负责人) may {action}", field="member_id", code="not_chair"
        )
    return member


def require_tender_side(uow: UnitOfWork, actor: Actor, tender_id: str, *, action: str) -> Any:
    tender = load_aggregate(uow.conn, tender_id)
    require_tender_party(uow, actor, tender, action=action)
    return tender
