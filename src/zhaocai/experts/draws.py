"""Use cases of the committee draw: a verifiable commit–reveal lottery no single party can steer.

1. `do_request_draw` (tenderer or agency, after the deadline, while the lot is opening or opened): the eligible pool
   is fixed with its recusals and its hash committed; the platform commits to its own random contribution.
2. `do_commit_contribution`: every other party (the tenderer side; the supervision platform when the draw includes
   it, through the exchange) commits to H(contribution). No reveal is accepted before every commitment is in.
3. `do_reveal_contribution`: a contribution that does not match its commitment is refused (and audited). When the
   last outside party has revealed, the platform reveals its own in the same transaction, the seed orders the whole
   pool and the committee is taken (selection.py). `do_restart_overdue_draw`: a party that did not reveal by the
   reveal deadline is recorded and flagged to supervision, and a new round starts with fresh commitments.
4. `do_decline_assignment` before the result is fixed, `do_fix_committee`, then `do_replace_member` (条例48).
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update

from zhaocai.adapters.db.tables.experts import draw_declines, draw_members, draw_parties, draw_recusals, expert_draws
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.codes.regions import validate_region_code
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.experts import messages, repository
from zhaocai.experts.eligibility import eligible_pool, lot_parties
from zhaocai.experts.model import (
    REPLACEMENT_CITATION,
    SPECIALTY,
    DrawEvent,
    DrawState,
    advance,
    covers,
)
from zhaocai.experts.selection import HASH_OF_SUITE, commitment_of
from zhaocai.experts.transcript import assemble, committed_pool_hash
from zhaocai.identity import repository as identity
from zhaocai.identity.access import is_system, require_user
from zhaocai.identity.model import Role, UserStatus
from zhaocai.rules import check_at_least, check_min_ratio, check_odd, packaged_rules
from zhaocai.tendering.model.rulebook import book_for
from zhaocai.tendering.queries import bidding_terms, load_aggregate, tender_parties
from zhaocai.usecase import use_case

PLATFORM = "platform"
TENDERER = "tenderer"
SUPERVISION = "supervision"
OPERATOR = Role.PLATFORM_OPERATOR.value
OPENING_STATES = frozenset({"decrypting", "closed"})
REMOTE_CITATION = "评标专家和评标专家库管理办法 (国家发展改革委令第26号): 远程异地评标"


# --- who acts --------------------------------------------------------------------------------------------------------


def _require_tender_side(uow: UnitOfWork, actor: Actor, tender_id: str, action: str) -> None:
    if is_system(actor):
        return
    require_user(actor)
    if actor.org_id is None or actor.org_id not in tender_parties(uow.conn, tender_id):
        raise Forbidden(f"{action} is for the tenderer or its agency", field="role", code="role")


def _require_tender_side_or_operator(uow: UnitOfWork, actor: Actor, tender_id: str, action: str) -> None:
    if actor.has_role(OPERATOR):
        return
    _require_tender_side(uow, actor, tender_id, action)


def _require_party(uow: UnitOfWork, actor: Actor, draw: repository.DrawRecord, party: str) -> None:
    if party not in draw.parties or party == PLATFORM:
        raise ValidationFailed(
            f"party must be one of {', '.join(p for p in draw.parties if p != PLATFORM)} (the platform acts itself)",
            field="party",
        )
    if party == TENDERER:
        _require_tender_side(uow, actor, draw.tender_id, "the tenderer's contribution")
    elif not (is_system(actor) or actor.has_role(Role.SUPERVISOR.value)):
        require_user(actor)
        raise Forbidden("the supervision platform's contribution is for supervisors", field="role", code="role")


# --- request ----------------------------------------------------------------------------------------------------


def _check_size(uow: UnitOfWork, tender_id: str, size: int, expert_count: int) -> None:
    tender = load_aggregate(uow.conn, tender_id)
    book = book_for(tender, packaged_rules(), at=uow.clock.now())
    minimum = book.governing("evaluation_committee_min_members")
    if minimum is not None:
        check_at_least(size, minimum, field="size")
    odd = book.governing("evaluation_committee_odd_size")
    if odd is not None:
        check_odd(size, odd, field="size")
    ratio = book.governing("evaluation_committee_min_expert_ratio")
    if ratio is not None:
        check_min_ratio(expert_count, size, ratio, field="experts")
    if not 1 <= expert_count <= size:
        raise ValidationFailed("experts must be between 1 and the committee size", field="experts")


def _check_representatives(uow: UnitOfWork, tender_id: str, user_ids: list[str], needed: int) -> tuple[str, ...]:
    if len(set(user_ids)) != len(user_ids) or len(user_ids) != needed:
        raise ValidationFailed(
            f"name exactly {needed} distinct representatives of the tenderer (committee size minus experts)",
            field="representatives",
        )
    side = tender_parties(uow.conn, tender_id)
    for user_id in user_ids:
        user = identity.get_user(uow.conn, user_id)
        if user is None or user.status is not UserStatus.ACTIVE or user.org_id not in side:
            raise ValidationFailed(
                f"representative {user_id} is not an active user of the tenderer or its agency",
                field="representatives",
            )
    return tuple(user_ids)


def _check_needs(needs: dict[str, int], expert_count: int) -> dict[str, int]:
    cleaned = {code.strip().upper(): count for code, count in needs.items() if count}
    for code, count in cleaned.items():
        if not SPECIALTY.match(code) or count < 0:
            raise ValidationFailed(f"specialty need {code!r}: {count}", field="needs")
    if sum(cleaned.values()) > expert_count:
        raise ValidationFailed("the specialty needs add up to more experts than the committee has", field="needs")
    return dict(sorted(cleaned.items()))


def _check_regions(uow: UnitOfWork, tender_id: str, regions: list[str], remote: bool) -> tuple[str, ...]:
    for code in regions:
        validate_region_code(code)
    if not remote:
        return tuple(sorted(set(regions)))
    tender = load_aggregate(uow.conn, tender_id)
    org = identity.get_organisation(uow.conn, tender.tenderer_org_id)
    home = org.region_code if org else None
    if not regions or (home and covers(tuple(regions), home)):
        raise ValidationFailed(
            f"a remote cross-region draw takes experts from other regions only: name regions that do not contain "
            f"the tenderer's region {home}",
            field="regions",
            citation=REMOTE_CITATION,
        )
    return tuple(sorted(set(regions)))


def _feasible(pool: list[dict[str, Any]], expert_count: int, needs: dict[str, int]) -> None:
    short = {code: n for code, n in needs.items() if sum(code in e["specialties"] for e in pool) < n}
    if len(pool) < expert_count or short:
        raise Conflict(
            f"the eligible pool has {len(pool)} experts for {expert_count} places"
            + (f"; too few for the specialties {short}" if short else "")
            + ": widen the regions or the specialties, or draw remotely",
            field="needs" if short else "experts",
            code="pool_too_small",
        )


@use_case("experts.request_draw", object_type="lot")
def do_request_draw(
    *,
    uow: UnitOfWork,
    actor: Actor,
    lot_id: str,
    size: int,
    experts: int,
    representatives: list[str],
    evaluation_at: datetime,
    needs: dict[str, int] | None = None,
    regions: list[str] | None = None,
    remote: bool = False,
    reserves: int = 2,
    reveal_minutes: int = 30,
    with_supervision: bool = False,
) -> repository.DrawRecord:
    terms = bidding_terms(uow.conn, lot_id)
    _require_tender_side(uow, actor, terms.tender_id, "requesting an expert draw")
    from zhaocai.opening.queries import opening_status  # lazily: opening is a later stage's package

    status = opening_status(uow.conn, lot_id)
    if status.state not in OPENING_STATES:
        raise Conflict(
            f"the committee is drawn once the lot is opening or opened; this lot's opening is {status.state}",
            field="lot_id",
            code="not_opening",
        )
    if repository.live_draw_of_lot(uow.conn, lot_id) is not None:
        raise Conflict("this lot already has a draw", field="lot_id", code="duplicate")
    _check_size(uow, terms.tender_id, size, experts)
    named = _check_representatives(uow, terms.tender_id, representatives, size - experts)
    wanted = _check_needs(needs or {}, experts)
    scope = _check_regions(uow, terms.tender_id, regions or [], remote)
    if evaluation_at.tzinfo is None:
        raise ValidationFailed("evaluation_at needs a timezone", field="evaluation_at")
    parties = lot_parties(uow.conn, lot_id, tender_parties(uow.conn, terms.tender_id))
    pool = eligible_pool(uow.conn, parties, regions=scope, evaluation_at=evaluation_at)
    _feasible(pool.snapshot, experts, wanted)

    draw_id = new_id()
    party_names = [PLATFORM, TENDERER] + ([SUPERVISION] if with_supervision else [])
    now = uow.clock.now()
    uow.conn.execute(
        insert(expert_draws).values(
            id=draw_id,
            tender_id=terms.tender_id,
            lot_id=lot_id,
            state=DrawState.COMMITTING.value,
            round=1,
            size=size,
            expert_count=experts,
            reserves=reserves,
            needs=canonical_json(wanted).decode(),
            regions=canonical_json(list(scope)).decode(),
            remote=remote,
            parties=canonical_json(party_names).decode(),
            hash_name=HASH_OF_SUITE[terms.suite],
            evaluation_at=evaluation_at,
            reveal_minutes=reveal_minutes,
            representatives=canonical_json(list(named)).decode(),
            pool=canonical_json(pool.snapshot).decode(),
            pool_hash="",  # set below from the stored terms, exactly as the transcript will carry them
            requested_at=now,
            requested_by=actor.user_id,
        )
    )
    if pool.recusals:
        uow.conn.execute(insert(draw_recusals), [{"id": new_id(), "draw_id": draw_id, **r} for r in pool.recusals])
    stored = repository.get_draw(uow.conn, draw_id)
    pool_hash = committed_pool_hash(transcript_terms(stored), pool.snapshot, pool.recusals)
    uow.conn.execute(update(expert_draws).where(expert_draws.c.id == draw_id).values(pool_hash=pool_hash))
    draw = repository.get_draw(uow.conn, draw_id)
    _start_round(uow, draw, 1)
    emit(
        uow,
        messages.DRAW_POOL_COMMITTED,
        messages.pool_committed(uow.conn, draw, now),
        object_type="draw",
        object_id=draw_id,
    )
    return repository.get_draw(uow.conn, draw_id)


def transcript_terms(draw: repository.DrawRecord) -> dict[str, Any]:
    return {
        "draw_id": draw.id,
        "tender_id": draw.tender_id,
        "lot_id": draw.lot_id,
        "hash": draw.hash_name,
        "committee_size": draw.size,
        "expert_count": draw.expert_count,
        "reserves": draw.reserves,
        "needs": draw.needs,
        "regions": list(draw.regions),
        "remote": draw.remote,
        "evaluation_at": draw.evaluation_at.isoformat(),
        "parties": list(draw.parties),
        "representatives": list(draw.representatives),
    }


def _start_round(uow: UnitOfWork, draw: repository.DrawRecord, round_no: int) -> None:
    """Fresh rows for every party; the platform commits at once to a new random contribution."""
    now = uow.clock.now()
    secret = secrets.token_hex(32)
    rows = []
    for party in draw.parties:
        mine = party == PLATFORM
        rows.append(
            {
                "draw_id": draw.id,
                "round": round_no,
                "party": party,
                "commitment": commitment_of(draw.hash_name, secret) if mine else None,
                "committed_at": now if mine else None,
                "platform_secret": secret if mine else None,
            }
        )
    uow.conn.execute(insert(draw_parties), rows)


# --- commit and reveal -------------------------------------------------------------------------------------------


def _locked(uow: UnitOfWork, draw_id: str) -> repository.DrawRecord:
    return repository.get_draw(uow.conn, draw_id, for_update=True)


def _hex(value: str, field: str, *, exact: int | None = None) -> str:
    cleaned = value.strip().lower()
    if len(cleaned) % 2 or not all(c in "0123456789abcdef" for c in cleaned):
        raise ValidationFailed(f"{field} must be hexadecimal", field=field)
    if exact is not None and len(cleaned) != exact:
        raise ValidationFailed(f"{field} must be {exact} hexadecimal digits", field=field)
    if exact is None and not 32 <= len(cleaned) <= 128:
        raise ValidationFailed(f"{field} must be 16 to 64 random bytes (32 to 128 hex digits)", field=field)
    return cleaned


def _set_party(uow: UnitOfWork, draw: repository.DrawRecord, party: str, **values: Any) -> None:
    p = draw_parties.c
    uow.conn.execute(
        update(draw_parties).where(p.draw_id == draw.id, p.round == draw.round, p.party == party).values(**values)
    )


@use_case("experts.commit_contribution", object_type="draw")
def do_commit_contribution(
    *, uow: UnitOfWork, actor: Actor, draw_id: str, party: str, commitment: str
) -> repository.DrawRecord:
    draw = _locked(uow, draw_id)
    _require_party(uow, actor, draw, party)
    if draw.state != DrawState.COMMITTING:
        raise Conflict(
            f"the draw is {draw.state}: commitments are taken only before revealing", field="state", code="draw_state"
        )
    digest = _hex(commitment, "commitment", exact=64)
    rows = {row.party: row for row in repository.parties_of(uow.conn, draw_id, draw.round)}
    if rows[party].commitment is not None:
        raise Conflict(f"{party} has already committed in round {draw.round}", field="party", code="committed")
    now = uow.clock.now()
    _set_party(uow, draw, party, commitment=digest, committed_at=now, committed_by=actor.user_id)
    if all(row.commitment is not None for name, row in rows.items() if name != party):
        advance(draw.state, DrawEvent.ALL_COMMITTED)
        deadline = now + timedelta(minutes=draw.reveal_minutes)
        uow.conn.execute(
            update(expert_draws)
            .where(expert_draws.c.id == draw_id)
            .values(state=DrawState.REVEALING.value, reveal_deadline=deadline)
        )
    return repository.get_draw(uow.conn, draw_id)


@use_case("experts.reveal_contribution", object_type="draw")
def do_reveal_contribution(
    *, uow: UnitOfWork, actor: Actor, draw_id: str, party: str, contribution: str
) -> repository.DrawRecord:
    draw = _locked(uow, draw_id)
    _require_party(uow, actor, draw, party)
    if draw.state == DrawState.COMMITTING:
        raise Conflict(
            "no contribution is revealed before every party has committed (commit–reveal)",
            field="state",
            code="commitments_pending",
        )
    if draw.state != DrawState.REVEALING:
        raise Conflict(f"the draw is {draw.state}: nothing to reveal", field="state", code="draw_state")
    now = uow.clock.now()
    assert draw.reveal_deadline is not None
    if now >= draw.reveal_deadline:
        raise Conflict(
            "the reveal deadline has passed; the draw restarts with fresh commitments",
            field="contribution",
            code="reveal_deadline_passed",
        )
    value = _hex(contribution, "contribution")
    rows = {row.party: row for row in repository.parties_of(uow.conn, draw_id, draw.round)}
    if rows[party].contribution is not None:
        raise Conflict(f"{party} has already revealed in round {draw.round}", field="party", code="revealed")
    if commitment_of(draw.hash_name, value) != rows[party].commitment:
        raise ValidationFailed(
            f"the contribution does not match {party}'s commitment H(contribution) in round {draw.round}",
            field="contribution",
            code="commitment_mismatch",
        )
    _set_party(uow, draw, party, contribution=value, revealed_at=now)
    outside = [name for name in draw.parties if name not in (PLATFORM, party)]
    if all(rows[name].contribution is not None for name in outside):
        _set_party(uow, draw, PLATFORM, contribution=rows[PLATFORM].platform_secret, revealed_at=now)
        _draw_committee(uow, repository.get_draw(uow.conn, draw_id), now)
    return repository.get_draw(uow.conn, draw_id)


def _draw_committee(uow: UnitOfWork, draw: repository.DrawRecord, now: datetime) -> None:
    state = advance(draw.state, DrawEvent.ALL_REVEALED)
    transcript = build_transcript(uow.conn, draw)
    uow.conn.execute(
        update(expert_draws)
        .where(expert_draws.c.id == draw.id)
        .values(state=state.value, seed=transcript["seed"], drawn_at=now)
    )
    emit(
        uow,
        messages.DRAW_SEEDED,
        messages.seeded(uow.conn, draw, transcript["seed"], now),
        object_type="draw",
        object_id=draw.id,
    )


def rounds_of(conn: Any, draw: repository.DrawRecord) -> list[dict[str, Any]]:
    rounds: dict[int, dict[str, Any]] = {}
    for row in repository.parties_of(conn, draw.id):
        record = rounds.setdefault(
            row.round, {"round": row.round, "commitments": {}, "contributions": {}, "failed": []}
        )
        if row.commitment is not None:
            record["commitments"][row.party] = row.commitment
        if row.contribution is not None:
            record["contributions"][row.party] = row.contribution
        if row.failed_at is not None:
            record["failed"].append(row.party)
    return [rounds[n] for n in sorted(rounds)]


def build_transcript(conn: Any, draw: repository.DrawRecord) -> dict[str, Any]:
    """The draw's transcript from its rows (the final round must be fully revealed)."""
    replaced = [
        row.expert_id
        for row in conn.execute(
            draw_members.select().where(draw_members.c.draw_id == draw.id, draw_members.c.status == "replaced")
        )
        if row.expert_id
    ]
    return assemble(
        transcript_terms(draw),
        draw.pool,
        repository.recusals_of(conn, draw.id),
        rounds_of(conn, draw),
        repository.declines_of(conn, draw.id),
        replaced,
    )


@use_case("experts.restart_overdue_draw", object_type="draw")
def do_restart_overdue_draw(*, uow: UnitOfWork, actor: Actor, draw_id: str) -> list[str]:
    """After the reveal deadline: record the parties that did not reveal (flagged to supervision) and start a new
    round with fresh commitments. Returns the parties that failed."""
    draw = _locked(uow, draw_id)
    if not (is_system(actor) or actor.has_role(OPERATOR)):
        _require_tender_side(uow, actor, draw.tender_id, "restarting a draw")
    now = uow.clock.now()
    if draw.state != DrawState.REVEALING or draw.reveal_deadline is None or now < draw.reveal_deadline:
        raise Conflict("the draw is not past its reveal deadline", field="state", code="not_overdue")
    state = advance(draw.state, DrawEvent.REVEAL_MISSED)
    rows = repository.parties_of(uow.conn, draw_id, draw.round)
    failed = [row.party for row in rows if row.contribution is None and row.party != PLATFORM]
    for party in failed:
        _set_party(uow, draw, party, failed_at=now)
    uow.conn.execute(
        update(expert_draws)
        .where(expert_draws.c.id == draw_id)
        .values(state=state.value, round=draw.round + 1, reveal_deadline=None)
    )
    _start_round(uow, draw, draw.round + 1)
    emit(
        uow,
        messages.DRAW_REVEAL_MISSED,
        messages.reveal_missed(uow.conn, draw, failed, now),
        object_type="draw",
        object_id=draw_id,
    )
    return failed


def overdue_draws_job(container: Any) -> Any:
    """The callable a platform's periodic job runs (zhaocai.jobs.PeriodicJob) to restart overdue draws."""
    from zhaocai.core.actor import SYSTEM

    return lambda: restart_overdue_draws(container.uow, SYSTEM, container.clock.now())


def restart_overdue_draws(uow_factory: Any, actor: Actor, at: datetime) -> int:
    """For the platform's periodic job: restart every draw past its reveal deadline."""
    with uow_factory() as uow:
        due = repository.draws_past_reveal_deadline(uow.conn, at)
    for draw_id in due:
        with contextlib.suppress(Conflict):  # another worker restarted it, or a reveal landed just in time
            do_restart_overdue_draw(uow=uow_factory(), actor=actor, draw_id=draw_id)
    return len(due)


# --- declines, fixing, replacement -----------------------------------------------------------------------------


@use_case("experts.decline_assignment", object_type="draw")
def do_decline_assignment(
    *, uow: UnitOfWork, actor: Actor, draw_id: str, expert_id: str, reason: str
) -> repository.DrawRecord:
    """A drawn expert (or a platform operator recording their answer) declines before the result is fixed; the next
    in the draw's order takes the place. The decline is part of the published transcript."""
    draw = _locked(uow, draw_id)
    expert = repository.get_expert(uow.conn, expert_id)
    if not (is_system(actor) or actor.has_role(OPERATOR) or actor.user_id == expert.user_id):
        require_user(actor)
        raise Forbidden("a decline is recorded by the expert or a platform operator", field="role", code="role")
    advance(draw.state, DrawEvent.DECLINE)
    committee = build_transcript(uow.conn, draw)["committee"]
    if expert_id not in committee["experts"] + committee["reserves"]:
        raise Conflict("this expert is not drawn for this committee", field="expert_id", code="not_drawn")
    text = " ".join(reason.split())
    if not text or len(text) > 500:
        raise ValidationFailed("give a reason of 1 to 500 characters", field="reason")
    uow.conn.execute(
        insert(draw_declines).values(
            id=new_id(),
            draw_id=draw_id,
            expert_id=expert_id,
            reason=text,
            recorded_at=uow.clock.now(),
            recorded_by=actor.user_id,
        )
    )
    return repository.get_draw(uow.conn, draw_id)


@use_case("experts.cancel_draw", object_type="draw")
def do_cancel_draw(*, uow: UnitOfWork, actor: Actor, draw_id: str, reason: str) -> repository.DrawRecord:
    """Abandon a draw before its result is fixed (declines emptied the pool, the terms were wrong); it stays on
    record, and the lot may be drawn again."""
    draw = _locked(uow, draw_id)
    _require_tender_side_or_operator(uow, actor, draw.tender_id, "cancelling a draw")
    state = advance(draw.state, DrawEvent.CANCEL)
    text = " ".join(reason.split())
    if not text or len(text) > 2000:
        raise ValidationFailed("give a reason of 1 to 2000 characters", field="reason")
    uow.audit.reason = text  # type: ignore[attr-defined]
    uow.conn.execute(update(expert_draws).where(expert_draws.c.id == draw_id).values(state=state.value))
    return repository.get_draw(uow.conn, draw_id)


@use_case("experts.fix_committee", object_type="draw")
def do_fix_committee(*, uow: UnitOfWork, actor: Actor, draw_id: str) -> repository.DrawRecord:
    """Fix the draw result: the committee (experts in draw order, then the tenderer's representatives) is written
    and may act on the lot. Its list stays secret until the evaluation result (法37)."""
    draw = _locked(uow, draw_id)
    _require_tender_side_or_operator(uow, actor, draw.tender_id, "fixing a draw result")
    state = advance(draw.state, DrawEvent.FIX)
    transcript = build_transcript(uow.conn, draw)
    if transcript["unmet"]:
        raise Conflict(
            f"the pool left places unfilled after declines ({transcript['unmet']}): the committee is incomplete",
            field="state",
            code="committee_incomplete",
        )
    now = uow.clock.now()
    experts = {record.id: record for record in repository.list_experts(uow.conn)}
    rows = [
        {"expert_id": expert_id, "user_id": experts[expert_id].user_id, "kind": "expert"}
        for expert_id in transcript["committee"]["experts"]
    ] + [{"expert_id": None, "user_id": user_id, "kind": "tenderer_representative"} for user_id in draw.representatives]
    uow.conn.execute(
        insert(draw_members),
        [
            {
                "id": new_id(),
                "draw_id": draw_id,
                "lot_id": draw.lot_id,
                "position": position,
                "status": "active",
                "joined_at": now,
                **row,
            }
            for position, row in enumerate(rows, start=1)
        ],
    )
    uow.conn.execute(update(expert_draws).where(expert_draws.c.id == draw_id).values(state=state.value, fixed_at=now))
    fixed = repository.get_draw(uow.conn, draw_id)
    emit(uow, messages.DRAW_FIXED, messages.fixed(uow.conn, fixed, now), object_type="draw", object_id=draw_id)
    return fixed


@use_case("experts.replace_member", object_type="draw")
def do_replace_member(
    *,
    uow: UnitOfWork,
    actor: Actor,
    draw_id: str,
    member_id: str,
    reason: str,
    new_representative: str | None = None,
) -> str:
    """Replace a member (条例48: recusal found late, illness, misconduct): the member is marked replaced and their
    work is void; an expert's place goes to the next expert in the draw's order, a representative's to the one the
    tenderer names. Returns the new member's id."""
    draw = _locked(uow, draw_id)
    _require_tender_side_or_operator(uow, actor, draw.tender_id, "replacing a committee member")
    advance(draw.state, DrawEvent.REPLACE)
    member = uow.conn.execute(
        draw_members.select().where(draw_members.c.id == member_id, draw_members.c.draw_id == draw_id)
    ).first()
    if member is None:
        raise NotFound(f"no member {member_id} on this committee", field="member_id")
    if member.status != "active":
        raise Conflict("this member was already replaced", field="member_id", code="replaced")
    text = " ".join(reason.split())
    if not text or len(text) > 2000:
        raise ValidationFailed("give a reason of 1 to 2000 characters", field="reason")
    now = uow.clock.now()
    uow.conn.execute(
        update(draw_members)
        .where(draw_members.c.id == member_id)
        .values(status="replaced", replaced_at=now, replace_reason=text)
    )
    if member.kind == "expert":
        transcript = build_transcript(uow.conn, draw)
        if transcript["unmet"]:
            raise Conflict(
                f"no expert left in the draw's order to take the place ({transcript['unmet']}); draw again",
                field="member_id",
                code="committee_incomplete",
                citation=REPLACEMENT_CITATION,
            )
        sitting = {
            row.expert_id for row in uow.conn.execute(draw_members.select().where(draw_members.c.draw_id == draw_id))
        }
        incoming = [e for e in transcript["committee"]["experts"] if e not in sitting]
        if len(incoming) != 1:  # the specialty needs reshuffle the order's tail: the committee must be drawn again
            raise Conflict(
                "the next experts in the draw's order cannot take this place alone under the specialty needs; "
                "draw the committee again",
                field="member_id",
                code="committee_incomplete",
                citation=REPLACEMENT_CITATION,
            )
        new_row = {"expert_id": incoming[0], "user_id": repository.get_expert(uow.conn, incoming[0]).user_id}
    else:
        if new_representative is None:
            raise ValidationFailed("name the new representative of the tenderer", field="new_representative")
        _check_representatives(uow, draw.tender_id, [new_representative], 1)
        new_row = {"expert_id": None, "user_id": new_representative}
    new_member_id = new_id()
    count = len(list(uow.conn.execute(draw_members.select().where(draw_members.c.draw_id == draw_id))))
    uow.conn.execute(
        insert(draw_members).values(
            id=new_member_id,
            draw_id=draw_id,
            lot_id=draw.lot_id,
            kind=member.kind,
            position=count + 1,
            status="active",
            joined_at=now,
            **new_row,
        )
    )
    return new_member_id
