"""Who reads what about experts and draws.

The committee list is secret until the result is fixed in the evaluation report (法37): before then only the
platform (operators, the system) sees it; a drawn expert sees their own assignment and nothing about the others.
Once the lot's final report exists, the committee and the whole transcript are public. A draw's progress (state,
round, pool hash, who has committed and revealed) is for the tender side, supervisors and operators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotFound
from zhaocai.experts import repository
from zhaocai.experts.draws import build_transcript
from zhaocai.experts.model import SECRECY_CITATION, DrawState
from zhaocai.experts.queries import CommitteeMember, members_of
from zhaocai.identity.access import is_system, require_user
from zhaocai.identity.model import Role
from zhaocai.tendering.queries import tender_parties

OPERATOR = Role.PLATFORM_OPERATOR.value
POOL_READERS = frozenset({OPERATOR, Role.SUPERVISOR.value})
DRAWN = (DrawState.DRAWN, DrawState.FIXED)


def _platform(actor: Actor) -> bool:
    return is_system(actor) or actor.has_role(OPERATOR)


def published(conn: Connection, draw: repository.DrawRecord) -> bool:
    """Whether the lot's result is fixed (中标结果确定, 法37): the award is decided, or the committee rejected every
    bid so that there is nothing to award. Then the committee is no secret."""
    if draw.state != DrawState.FIXED:
        return False
    from zhaocai.award.queries import award_outcome  # lazily: later stages' packages
    from zhaocai.evaluation.queries import final_report

    if award_outcome(conn, draw.lot_id) is not None:
        return True
    report = final_report(conn, draw.lot_id)
    return report is not None and report.all_rejected


def committee_secret() -> Forbidden:
    return Forbidden(
        "the evaluation committee's members are secret until the result is fixed (the award is decided): before "
        "then only the platform sees the list, and each member their own assignment",
        field="draw_id",
        code="committee_secret",
        citation=SECRECY_CITATION,
    )


# --- the pool ----------------------------------------------------------------------------------------------------


def experts_view(conn: Connection, actor: Actor) -> list[repository.ExpertRecord]:
    if not (is_system(actor) or actor.has_role(*POOL_READERS)):
        require_user(actor)
        raise Forbidden("the expert pool is read by platform operators and supervisors", field="role", code="role")
    return repository.list_experts(conn)


def expert_view(conn: Connection, actor: Actor, expert_id: str) -> repository.ExpertRecord:
    found = repository.get_expert(conn, expert_id)
    if is_system(actor) or actor.has_role(*POOL_READERS) or actor.user_id == found.user_id:
        return found
    require_user(actor)
    raise NotFound(f"no expert {expert_id}", field="expert_id")


# --- draws -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyStatus:
    party: str
    committed: bool
    revealed: bool
    failed_rounds: tuple[int, ...]


@dataclass(frozen=True)
class DrawStatus:
    draw: repository.DrawRecord
    parties: tuple[PartyStatus, ...]
    recusals: int
    published: bool


def draw_status_view(conn: Connection, actor: Actor, draw_id: str) -> DrawStatus:
    draw = repository.get_draw(conn, draw_id)
    if not (
        _platform(actor)
        or actor.has_role(Role.SUPERVISOR.value)
        or (actor.org_id is not None and actor.org_id in tender_parties(conn, draw.tender_id))
    ):
        require_user(actor)
        raise Forbidden(
            "a draw's progress is for the tender side, supervisors and operators", field="role", code="role"
        )
    rows = repository.parties_of(conn, draw_id)
    statuses = []
    for party in draw.parties:
        current = next(row for row in rows if row.round == draw.round and row.party == party)
        failed = tuple(row.round for row in rows if row.party == party and row.failed_at is not None)
        statuses.append(PartyStatus(party, current.commitment is not None, current.contribution is not None, failed))
    return DrawStatus(
        draw=draw,
        parties=tuple(statuses),
        recusals=len({r["expert_id"] for r in repository.recusals_of(conn, draw_id)}),
        published=published(conn, draw),
    )


def committee_view(conn: Connection, actor: Actor, draw_id: str) -> tuple[CommitteeMember, ...]:
    """The fixed committee: to the platform at any time; to everyone once published; else refused (法37)."""
    draw = repository.get_draw(conn, draw_id)
    if not (_platform(actor) or published(conn, draw)):
        require_user(actor)
        raise committee_secret()
    if draw.state != DrawState.FIXED:
        raise NotFound("the draw result is not fixed yet", field="draw_id", code="not_fixed")
    return members_of(conn, draw_id)


def transcript_view(conn: Connection, actor: Actor, draw_id: str) -> dict[str, Any]:
    """The transcript anyone can replay with `zhaocai draw verify`: public once the result is published."""
    draw = repository.get_draw(conn, draw_id)
    if not (_platform(actor) or published(conn, draw)):
        require_user(actor)
        raise committee_secret()
    if draw.state not in DRAWN:
        raise NotFound("the draw has no transcript before its seed is known", field="draw_id", code="not_drawn")
    return build_transcript(conn, draw)


@dataclass(frozen=True)
class Assignment:
    draw_id: str
    lot_id: str
    tender_id: str
    state: str
    evaluation_at: datetime
    role: str  # member | reserve | replaced
    member_id: str | None = None  # the expert's own seat once the committee is fixed (to name a chair, 评标规定9)


def my_assignments(conn: Connection, actor: Actor) -> list[Assignment]:
    """A drawn expert's own assignments (and nothing about the other members)."""
    user_id = require_user(actor)
    expert = repository.expert_of_user(conn, user_id)
    if expert is None:
        return []
    found = []
    for draw in repository.draws_of_expert_candidates(conn):
        role, member_id = _role_in(conn, draw, expert.id, user_id)
        if role:
            found.append(
                Assignment(draw.id, draw.lot_id, draw.tender_id, draw.state, draw.evaluation_at, role, member_id)
            )
    return found


def _role_in(
    conn: Connection, draw: repository.DrawRecord, expert_id: str, user_id: str
) -> tuple[str | None, str | None]:
    if draw.state == DrawState.FIXED:
        for member in members_of(conn, draw.id):
            if member.user_id == user_id:
                return ("member" if member.status == "active" else "replaced"), member.member_id
        return None, None
    if all(entry["id"] != expert_id for entry in draw.pool):
        return None, None
    committee = build_transcript(conn, draw)["committee"]
    if expert_id in committee["experts"]:
        return "member", None
    return ("reserve" if expert_id in committee["reserves"] else None), None
