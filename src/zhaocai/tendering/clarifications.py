"""Clarifications and amendments (澄清/修改) of the documents, and questions (提问) answered through them.

A clarification is published on the platform for everyone and notified to every organisation that obtained the
documents (20号令22). One that may affect how bids are prepared, made less than clarification_min_days before the
deadline, must move the deadline or is refused (条例21; the model's amendment_in_time guard); after the deadline
nothing changes. Amended files are new versions of the documents, with their hashes.

Questions from would-be bidders are answered publicly without naming who asked; the asker alone is told which
answer is its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from zhaocai.adapters.db.tables.tendering import tender_clarifications, tender_questions
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.tendering import messages
from zhaocai.tendering.access import require_bidder, require_tender_party
from zhaocai.tendering.documents import DocumentFile, check_files, record_files, require_aware
from zhaocai.tendering.downloads import downloader_org_ids
from zhaocai.tendering.model import Event, EventKind, ProcurementMethod, TenderProject
from zhaocai.tendering.model.guards import DOCUMENTS_OUT
from zhaocai.tendering.procedure import Working, apply, load_for_change, save
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Clarification:
    id: str
    tender_id: str
    seq: int
    stage: str
    title: str
    body: str
    affects_bids: bool
    deadline_before: datetime | None
    deadline_after: datetime | None
    published_at: datetime


@dataclass(frozen=True)
class AnsweredQuestion:
    """A question as the public sees it: never who asked."""

    id: str
    question: str
    answer: str
    answered_at: datetime
    clarification_id: str | None = None


def text(value: str, field: str, label: str, limit: int = MAX_TEXT) -> str:
    stripped = (value or "").strip()
    if "\x00" in stripped:
        raise ValidationFailed(f"{label} contains a NUL character", field=field)
    if not stripped:
        raise ValidationFailed(f"{label} must be given", field=field)
    if len(stripped) > limit:
        raise ValidationFailed(f"{label} is at most {limit} characters", field=field)
    return stripped


def publish_clarification(
    uow: UnitOfWork,
    actor: Actor,
    working: Working,
    *,
    title: str,
    body: str,
    affects_bids: bool,
    new_deadline: datetime | None,
    files: Sequence[DocumentFile] = (),
) -> Clarification:
    """Amend the documents through the model (条例21 guard), record the clarification and its files, notify every
    downloader and write the exchange message — all in the caller's transaction."""
    title, body = text(title, "title", "the title", 300), text(body, "body", "the clarification")
    require_aware(new_deadline, "new_deadline")
    if files:
        check_files(files)
    stage = working.tender.stage
    before = working.tender.schedule.deadline(stage)
    tender = apply(
        working, Event(EventKind.AMEND_DOCUMENTS, working.now, affects_bids=affects_bids, deadline=new_deadline)
    )
    save(uow, working)
    after = tender.schedule.deadline(stage)
    seq = (
        uow.conn.execute(
            select(func.coalesce(func.max(tender_clarifications.c.seq), 0)).where(
                tender_clarifications.c.tender_id == tender.id
            )
        ).scalar_one()
        + 1
    )
    clarification = Clarification(
        id=new_id(),
        tender_id=tender.id,
        seq=seq,
        stage=stage.value,
        title=title,
        body=body,
        affects_bids=affects_bids,
        deadline_before=before,
        deadline_after=after,
        published_at=working.now,
    )
    uow.conn.execute(
        insert(tender_clarifications).values(
            **{name: getattr(clarification, name) for name in Clarification.__dataclass_fields__},
            published_by=actor.user_id,
        )
    )
    if files:
        record_files(uow, tender.id, stage, files, at=working.now, by=actor.user_id, clarification_id=clarification.id)
    moved = f" The deadline is now {after.isoformat()}." if after != before and after is not None else ""
    notify_organisations(
        uow,
        downloader_org_ids(uow.conn, tender.id, stage),
        subject=f"澄清/修改 clarification {seq} of {tender.number}: {title}",
        body=f"{body}{moved}",
    )
    emit(
        uow,
        messages.TENDER_CLARIFICATION,
        messages.clarification(tender, seq=seq, title=title, deadline=after, at=working.now),
        object_type="tender",
        object_id=tender.id,
    )
    return clarification


def _party(uow: UnitOfWork, actor: Actor, action: str):
    return lambda tender: require_tender_party(uow, actor, tender, action=action)


@use_case("tendering.publish_clarification", object_type="tender")
def do_publish_clarification(
    *,
    uow: UnitOfWork,
    actor: Actor,
    tender_id: str,
    title: str,
    body: str,
    affects_bids: bool,
    new_deadline: datetime | None = None,
    files: Sequence[DocumentFile] = (),
) -> Clarification:
    """Publish a clarification or amendment (with new versions of document files, if any)."""
    working = load_for_change(uow, tender_id, check=_party(uow, actor, "clarify or amend its documents"))
    return publish_clarification(
        uow, actor, working, title=title, body=body, affects_bids=affects_bids, new_deadline=new_deadline, files=files
    )


def list_clarifications(conn: Connection, tender_id: str) -> list[Clarification]:
    rows = conn.execute(
        select(tender_clarifications)
        .where(tender_clarifications.c.tender_id == tender_id)
        .order_by(tender_clarifications.c.seq)
    ).all()
    return [Clarification(**{name: getattr(row, name) for name in Clarification.__dataclass_fields__}) for row in rows]


# --- questions ---------------------------------------------------------------------------------------------------


def _check_may_ask(tender: TenderProject, org_id: str) -> None:
    if tender.method is ProcurementMethod.INVITED and org_id not in tender.invitees:
        raise Conflict(f"only the invitees of {tender.number} ask about its documents", field="tender_id")
    if tender.active_state not in DOCUMENTS_OUT:
        raise Conflict(
            f"questions are asked while the documents are out, before the deadline (state {tender.active_state})",
            field="state",
            code="not_now",
        )


@use_case("tendering.ask_question", object_type="tender")
def do_ask_question(*, uow: UnitOfWork, actor: Actor, tender_id: str, question: str) -> str:
    """A would-be bidder asks about the documents; returns the question's id. Who asked is never shown."""
    org_id = require_bidder(uow, actor, action="ask about tender documents")
    working = load_for_change(uow, tender_id)
    _check_may_ask(working.tender, org_id)
    question_id = new_id()
    uow.conn.execute(
        insert(tender_questions).values(
            id=question_id,
            tender_id=tender_id,
            asked_by_org_id=org_id,
            asked_by_user_id=actor.user_id,
            question=text(question, "question", "the question"),
            asked_at=working.now,
        )
    )
    notify_organisations(
        uow,
        [working.tender.tenderer_org_id, *([working.tender.agent_org_id] if working.tender.agent_org_id else [])],
        subject=f"提问 a question about {working.tender.number}",
        body="A question about the documents waits for an answer on the trading platform.",
    )
    return question_id


@use_case("tendering.answer_question", object_type="tender")
def do_answer_question(
    *,
    uow: UnitOfWork,
    actor: Actor,
    tender_id: str,
    question_id: str,
    answer: str,
    affects_bids: bool = False,
    new_deadline: datetime | None = None,
) -> Clarification:
    """Answer a question publicly, as a clarification that quotes the question without naming who asked (and is
    subject to 条例21 like any other)."""
    working = load_for_change(uow, tender_id, check=_party(uow, actor, "answer questions about its documents"))
    row = uow.conn.execute(
        select(tender_questions).where(tender_questions.c.id == question_id, tender_questions.c.tender_id == tender_id)
    ).first()
    if row is None:
        raise NotFound(f"no question {question_id} on this tender", field="question_id")
    if row.answered_at is not None:
        raise Conflict(f"question {question_id} is already answered", field="question_id", code="answered")
    answered = text(answer, "answer", "the answer")
    clarification = publish_clarification(
        uow,
        actor,
        working,
        title=f"答疑 answer to a question (asked {row.asked_at:%Y-%m-%d})",
        body=f"问 Question: {row.question}\n\n答 Answer: {answered}",
        affects_bids=affects_bids,
        new_deadline=new_deadline,
    )
    uow.conn.execute(
        update(tender_questions)
        .where(tender_questions.c.id == question_id)
        .values(answer=answered, answered_at=working.now, answered_by=actor.user_id)
    )
    return clarification


def answered_questions(conn: Connection, tender_id: str) -> list[AnsweredQuestion]:
    rows = conn.execute(
        select(
            tender_questions.c.id,
            tender_questions.c.question,
            tender_questions.c.answer,
            tender_questions.c.answered_at,
        )
        .where(tender_questions.c.tender_id == tender_id, tender_questions.c.answered_at.is_not(None))
        .order_by(tender_questions.c.answered_at, tender_questions.c.id)
    ).all()
    return [AnsweredQuestion(row.id, row.question, row.answer, row.answered_at) for row in rows]


def open_questions(conn: Connection, tender_id: str) -> list[tuple[str, str, datetime]]:
    """Unanswered questions for the tender's side to answer: (id, question, asked_at), never who asked."""
    rows = conn.execute(
        select(tender_questions.c.id, tender_questions.c.question, tender_questions.c.asked_at)
        .where(tender_questions.c.tender_id == tender_id, tender_questions.c.answered_at.is_(None))
        .order_by(tender_questions.c.asked_at, tender_questions.c.id)
    ).all()
    return [(row.id, row.question, row.asked_at) for row in rows]


def my_questions(conn: Connection, tender_id: str, org_id: str) -> list[dict]:
    rows = conn.execute(
        select(tender_questions)
        .where(tender_questions.c.tender_id == tender_id, tender_questions.c.asked_by_org_id == org_id)
        .order_by(tender_questions.c.asked_at)
    ).all()
    return [
        {
            "id": row.id,
            "question": row.question,
            "asked_at": row.asked_at,
            "answer": row.answer,
            "answered_at": row.answered_at,
        }
        for row in rows
    ]
