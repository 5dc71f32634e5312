"""Experts API (/api/v1): the expert pool (platform operators), committee draws (the tender side requests and commits
and reveals; the platform commits itself; supervision may be a party), declines, fixing, replacement (条例48), the
secret committee list (法37) and the published transcript. Thin: parse, call the use case or view, render."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request, status

from zhaocai.experts import views
from zhaocai.experts.draws import (
    do_cancel_draw,
    do_commit_contribution,
    do_decline_assignment,
    do_fix_committee,
    do_replace_member,
    do_request_draw,
    do_restart_overdue_draw,
    do_reveal_contribution,
)
from zhaocai.experts.pool import (
    do_blacklist_expert,
    do_declare_conflict,
    do_lift_blacklist,
    do_record_unavailability,
    do_register_expert,
    do_update_expert,
)
from zhaocai.experts.schemas import (
    AssignmentOut,
    CommitIn,
    ConflictIn,
    CreatedOut,
    DeclineIn,
    DrawIn,
    DrawOut,
    ExpertIn,
    ExpertOut,
    ExpertUpdateIn,
    MemberOut,
    ReasonIn,
    ReplaceIn,
    RevealIn,
    UnavailabilityIn,
)
from zhaocai.web.auth import RequiredActorDep
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1", tags=["experts"])
_DESCRIPTIONS = {
    401: "not authenticated",
    403: "forbidden: role, not a party to the draw, or the committee list is secret until the result (法37)",
    404: "no such expert, lot, draw or member",
    409: "conflicts with the draw's state: not opening yet, commitments pending, reveal deadline passed, ...",
    422: "invalid input: the field and rule are named (法37 committee size and expert ratio, commitment mismatch)",
}
_errors = partial(refusals, _DESCRIPTIONS)


# --- the pool ----------------------------------------------------------------------------------------------------


@router.post(
    "/experts",
    status_code=status.HTTP_201_CREATED,
    summary="Add an expert to the pool (platform_operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def register_expert(body: ExpertIn, uow: UowDep, actor: RequiredActorDep) -> ExpertOut:
    return ExpertOut.of(do_register_expert(uow=uow, actor=actor, **body.model_dump()))


@router.patch(
    "/experts/{expert_id}",
    summary="Change an expert's record (platform_operator)",
    responses=_errors(401, 403, 404, 422),
)
def update_expert(expert_id: Id, body: ExpertUpdateIn, uow: UowDep, actor: RequiredActorDep) -> ExpertOut:
    changes = body.model_dump(exclude_none=True)
    return ExpertOut.of(do_update_expert(uow=uow, actor=actor, expert_id=expert_id, **changes))


@router.get("/experts", summary="The expert pool (operators, supervisors)", responses=_errors(401, 403))
def list_experts(request: Request, container: ContainerDep, actor: RequiredActorDep) -> list[ExpertOut]:
    found = audited_read(container, actor, request, lambda conn: views.experts_view(conn, actor))
    return [ExpertOut.of(item) for item in found]


@router.get(
    "/experts/me/assignments",
    summary="The committees you are drawn for (only your own assignment, never the other members)",
    responses=_errors(401),
)
def my_assignments(request: Request, container: ContainerDep, actor: RequiredActorDep) -> list[AssignmentOut]:
    found = audited_read(container, actor, request, lambda conn: views.my_assignments(conn, actor))
    return [AssignmentOut.of(item) for item in found]


@router.get(
    "/experts/{expert_id}",
    summary="One expert (operators, supervisors, the expert themself)",
    responses=_errors(401, 404),
)
def get_expert(expert_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> ExpertOut:
    return ExpertOut.of(audited_read(container, actor, request, lambda conn: views.expert_view(conn, actor, expert_id)))


@router.post(
    "/experts/{expert_id}/blacklist",
    summary="Blacklist an expert: never drawn while listed (platform_operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def blacklist(expert_id: Id, body: ReasonIn, uow: UowDep, actor: RequiredActorDep) -> ExpertOut:
    return ExpertOut.of(do_blacklist_expert(uow=uow, actor=actor, expert_id=expert_id, reason=body.reason))


@router.post(
    "/experts/{expert_id}/blacklist/lift",
    summary="Lift an expert's blacklisting (platform_operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def lift_blacklist(expert_id: Id, body: ReasonIn, uow: UowDep, actor: RequiredActorDep) -> ExpertOut:
    return ExpertOut.of(do_lift_blacklist(uow=uow, actor=actor, expert_id=expert_id, reason=body.reason))


@router.post(
    "/experts/{expert_id}/unavailability",
    status_code=status.HTTP_201_CREATED,
    summary="Record a period the expert cannot serve (operator or the expert)",
    responses=_errors(401, 403, 404, 422),
)
def unavailability(expert_id: Id, body: UnavailabilityIn, uow: UowDep, actor: RequiredActorDep) -> CreatedOut:
    created = do_record_unavailability(
        uow=uow, actor=actor, expert_id=expert_id, from_at=body.from_at, until=body.until, reason=body.reason
    )
    return CreatedOut(id=created)


@router.post(
    "/experts/{expert_id}/conflicts",
    status_code=status.HTTP_201_CREATED,
    summary="Declare a relation with an organisation (评标规定12; operator or the expert)",
    responses=_errors(401, 403, 404, 422),
)
def conflict(expert_id: Id, body: ConflictIn, uow: UowDep, actor: RequiredActorDep) -> CreatedOut:
    created = do_declare_conflict(uow=uow, actor=actor, expert_id=expert_id, org_id=body.org_id, relation=body.relation)
    return CreatedOut(id=created)


# --- draws -------------------------------------------------------------------------------------------------------


def _status(container: Any, actor: Any, request: Request, draw_id: str) -> DrawOut:
    found = audited_read(container, actor, request, lambda conn: views.draw_status_view(conn, actor, draw_id))
    return DrawOut.of(found.draw, found)


@router.post(
    "/lots/{lot_id}/draws",
    status_code=status.HTTP_201_CREATED,
    summary="Request the committee draw: fixes the eligible pool and commits its hash (tenderer or agency)",
    responses=_errors(401, 403, 404, 409, 422),
)
def request_draw(
    lot_id: Id, body: DrawIn, request: Request, container: ContainerDep, actor: RequiredActorDep
) -> DrawOut:
    draw = do_request_draw(uow=container.uow(), actor=actor, lot_id=lot_id, **body.model_dump())
    return _status(container, actor, request, draw.id)


@router.get(
    "/draws/{draw_id}",
    summary="A draw's progress (tender side, supervisors, operators)",
    responses=_errors(401, 403, 404),
)
def get_draw(draw_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> DrawOut:
    return _status(container, actor, request, draw_id)


@router.post(
    "/draws/{draw_id}/commitments",
    summary="Commit to H(contribution) (the tender side; supervision when it is a party)",
    responses=_errors(401, 403, 404, 409, 422),
)
def commit(draw_id: Id, body: CommitIn, request: Request, container: ContainerDep, actor: RequiredActorDep) -> DrawOut:
    do_commit_contribution(
        uow=container.uow(), actor=actor, draw_id=draw_id, party=body.party, commitment=body.commitment
    )
    return _status(container, actor, request, draw_id)


@router.post(
    "/draws/{draw_id}/reveals",
    summary="Reveal the contribution; refused unless it matches the commitment and every party has committed",
    responses=_errors(401, 403, 404, 409, 422),
)
def reveal(draw_id: Id, body: RevealIn, request: Request, container: ContainerDep, actor: RequiredActorDep) -> DrawOut:
    do_reveal_contribution(
        uow=container.uow(), actor=actor, draw_id=draw_id, party=body.party, contribution=body.contribution
    )
    return _status(container, actor, request, draw_id)


@router.post(
    "/draws/{draw_id}/restart",
    summary="After the reveal deadline: record who failed to reveal and start a new round (the platform's job does it)",
    responses=_errors(401, 403, 404, 409),
)
def restart(draw_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> DrawOut:
    do_restart_overdue_draw(uow=container.uow(), actor=actor, draw_id=draw_id)
    return _status(container, actor, request, draw_id)


@router.post(
    "/draws/{draw_id}/declines",
    summary="Record a drawn expert's decline before the result is fixed (the expert or an operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def decline(draw_id: Id, body: DeclineIn, container: ContainerDep, actor: RequiredActorDep) -> dict[str, str]:
    do_decline_assignment(
        uow=container.uow(), actor=actor, draw_id=draw_id, expert_id=body.expert_id, reason=body.reason
    )
    return {"status": "recorded"}


@router.post(
    "/draws/{draw_id}/fix",
    summary="Fix the draw result: the committee may act on the lot (tender side or operator)",
    responses=_errors(401, 403, 404, 409),
)
def fix(draw_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> DrawOut:
    do_fix_committee(uow=container.uow(), actor=actor, draw_id=draw_id)
    return _status(container, actor, request, draw_id)


@router.post(
    "/draws/{draw_id}/cancel",
    summary="Abandon a draw before its result is fixed; the lot may be drawn again (tender side or operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def cancel(draw_id: Id, body: ReasonIn, request: Request, container: ContainerDep, actor: RequiredActorDep) -> DrawOut:
    do_cancel_draw(uow=container.uow(), actor=actor, draw_id=draw_id, reason=body.reason)
    return _status(container, actor, request, draw_id)


@router.post(
    "/draws/{draw_id}/replacements",
    status_code=status.HTTP_201_CREATED,
    summary="Replace a member (条例48): their work is void; the next expert in the draw's order takes the place",
    responses=_errors(401, 403, 404, 409, 422),
)
def replace(draw_id: Id, body: ReplaceIn, container: ContainerDep, actor: RequiredActorDep) -> CreatedOut:
    created = do_replace_member(uow=container.uow(), actor=actor, draw_id=draw_id, **body.model_dump())
    return CreatedOut(id=created)


@router.get(
    "/draws/{draw_id}/committee",
    summary="The committee: the platform only until the result is fixed in the report (法37), then public",
    responses=_errors(401, 403, 404),
)
def committee(draw_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> list[MemberOut]:
    found = audited_read(container, actor, request, lambda conn: views.committee_view(conn, actor, draw_id))
    return [MemberOut.of(member) for member in found]


@router.get(
    "/draws/{draw_id}/transcript",
    summary="The draw's transcript, for `zhaocai draw verify` (public once the result is published)",
    responses=_errors(401, 403, 404),
)
def transcript(draw_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> dict[str, Any]:
    return audited_read(container, actor, request, lambda conn: views.transcript_view(conn, actor, draw_id))
