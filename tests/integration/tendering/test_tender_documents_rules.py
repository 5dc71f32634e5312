"""Documents, downloads, clarifications and questions: each rule bites with its citation; downloads stay secret
until the deadline. Timeline (Asia/Shanghai), from open_tender at Monday 2026-03-02 09:00:
  sale period 5 days 03-03..03-07, Saturday rolls to Monday 03-09: documents on sale until 03-10 00:00 (条例16)
  bid deadline: 20 days 03-03..03-22, Sunday rolls to 03-23: the earliest and the scenario's is 03-24 00:00 (法24)
  a clarification that may affect bids must come before 03-09 00:00 (15 days 03-09..03-23, 条例21)
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from tender_service_world import document, inbox_subjects, last_refusal, pending

from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.identity.model import Role
from zhaocai.tendering.clarifications import answered_questions, list_clarifications
from zhaocai.tendering.downloads import list_documents
from zhaocai.tendering.scenario import market_subject, open_tender
from zhaocai.tendering.service import (
    do_answer_question,
    do_ask_question,
    do_download_document,
    do_publish_clarification,
    do_read_downloaders,
)

DEADLINE = datetime(2026, 3, 24, tzinfo=SHANGHAI)
CUTOFF = datetime(2026, 3, 9, tzinfo=SHANGHAI)  # 条例21
SALE_ENDS = datetime(2026, 3, 10, tzinfo=SHANGHAI)
TICK = timedelta(microseconds=1)


@pytest.fixture
def opened(container, world):
    opened = open_tender(container, tenderer_actor=world.tenderer)
    assert opened.bid_deadline == DEADLINE
    return opened


def first_document(container, tender_id: str) -> str:
    with container.engine.connect() as conn:
        return list_documents(conn, tender_id)[0].id


def download(container, actor, tender_id):
    return do_download_document(uow=container.uow(), actor=actor, document_id=first_document(container, tender_id))


def test_downloaders_are_secret_until_the_deadline(container, world, clock, opened):
    with pytest.raises(Forbidden) as before_any:
        do_read_downloaders(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)
    for bidder in world.bidders[:2]:
        info = download(container, bidder, opened.tender_id)
    assert len(info.sha256) == 64 and container.blobs.exists(info.sha256)
    supervisor = market_staff(container, "supervisor1", Role.SUPERVISOR)
    admin = market_staff(container, "sysadmin1", Role.SYSTEM_ADMIN)
    clock.set(DEADLINE - TICK)
    for asker in (world.tenderer, supervisor, admin, world.bidders[0]):
        with pytest.raises(Forbidden) as refused:
            do_read_downloaders(uow=container.uow(), actor=asker, tender_id=opened.tender_id)
        assert refused.value.code == "secret_until_deadline"
        assert refused.value.citation == "20号令21; 法22"
        assert refused.value.message == before_any.value.message  # the refusal tells nothing about downloads
    refusals = [e for e in world.entries("tendering.read_downloaders") if e["outcome"] != "ok"]
    assert [e["outcome"] for e in refusals] == ["refused:secret_until_deadline"] * 5
    clock.set(DEADLINE)
    seen = do_read_downloaders(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id)
    assert seen.count == 2
    assert {d.org_id for d in seen.downloaders} == {b.org_id for b in world.bidders[:2]}
    assert do_read_downloaders(uow=container.uow(), actor=supervisor, tender_id=opened.tender_id).count == 2
    for outsider in (admin, world.bidders[0], world.other_tenderer):
        with pytest.raises(Forbidden):
            do_read_downloaders(uow=container.uow(), actor=outsider, tender_id=opened.tender_id)


def test_documents_are_obtained_during_the_sale_period(container, world, clock, opened):
    clock.set(SALE_ENDS - TICK)
    download(container, world.bidders[0], opened.tender_id)
    clock.set(SALE_ENDS)
    download(container, world.bidders[0], opened.tender_id)  # obtained in time: may fetch again
    with pytest.raises(Conflict) as refused:
        download(container, world.bidders[1], opened.tender_id)
    assert refused.value.code == "not_on_sale" and "条例16" in refused.value.message
    assert last_refusal(world, "tendering.download_document")["org_id"] == world.bidders[1].org_id


def test_invited_tender_documents_only_for_invitees(container, world):
    invitees = tuple(bidder.org_id for bidder in world.bidders)
    opened = open_tender(container, tenderer_actor=world.tenderer, method="invited", invitees=invitees)
    outsider = market_subject(container, kind="bidder", username="outsider")
    with pytest.raises(Forbidden, match="invited"):
        download(container, outsider, opened.tender_id)
    download(container, world.bidders[0], opened.tender_id)


def test_clarification_affecting_bids_one_day_short_must_move_the_deadline(container, world, clock, opened):
    download(container, world.bidders[0], opened.tender_id)
    clock.set(CUTOFF - TICK)
    kept = do_publish_clarification(
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=opened.tender_id,
        title="澄清一",
        body="图纸更正",
        affects_bids=True,
    )
    assert kept.deadline_after == DEADLINE
    clock.set(CUTOFF)
    with pytest.raises(ValidationFailed) as refused:
        do_publish_clarification(
            uow=container.uow(),
            actor=world.tenderer,
            tender_id=opened.tender_id,
            title="澄清二",
            body="工程量清单更正",
            affects_bids=True,
        )
    assert refused.value.citation == "条例21" and refused.value.field == "bid_deadline"
    assert refused.value.detail["limit"] == datetime(2026, 3, 25, tzinfo=SHANGHAI).isoformat()
    assert last_refusal(world, "tendering.publish_clarification")["outcome"] == "refused:invalid"
    too_soon = datetime(2026, 3, 25, tzinfo=SHANGHAI) - TICK
    with pytest.raises(ValidationFailed):
        do_publish_clarification(
            uow=container.uow(),
            actor=world.tenderer,
            tender_id=opened.tender_id,
            title="澄清二",
            body="工程量清单更正",
            affects_bids=True,
            new_deadline=too_soon,
        )
    moved = do_publish_clarification(
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=opened.tender_id,
        title="澄清二",
        body="工程量清单更正",
        affects_bids=True,
        new_deadline=datetime(2026, 3, 25, tzinfo=SHANGHAI),
        files=[document(container, "招标文件.pdf", b"%PDF amended")],
    )
    assert moved.deadline_after == datetime(2026, 3, 25, tzinfo=SHANGHAI)
    typo = do_publish_clarification(  # a change that does not affect bids needs no minimum
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=opened.tender_id,
        title="勘误",
        body="联系人电话更正",
        affects_bids=False,
    )
    assert typo.seq == 3
    assert [subject.split(":")[0] for subject in inbox_subjects(container, world.bidders[0])].count(
        f"澄清/修改 clarification 2 of {_number(container, opened)}"
    ) == 1
    assert not any("澄清" in subject for subject in inbox_subjects(container, world.bidders[1]))  # not a downloader
    with container.engine.connect() as conn:
        versions = [(d.filename, d.version, d.current) for d in list_documents(conn, opened.tender_id)]
    assert ("招标文件.pdf", 1, True) in versions and ("招标文件.txt", 1, True) in versions
    assert len(pending(container, "TENDER_CLARIFICATION")) == 3


def test_nothing_changes_after_the_deadline(container, world, clock, opened):
    clock.set(DEADLINE)
    with pytest.raises(Conflict) as refused:
        do_publish_clarification(
            uow=container.uow(),
            actor=world.tenderer,
            tender_id=opened.tender_id,
            title="改评标办法",
            body="...",
            affects_bids=True,
            new_deadline=DEADLINE + timedelta(days=30),
        )
    assert refused.value.code in ("deadline_passed", "illegal_transition")
    assert last_refusal(world, "tendering.publish_clarification")["object_id"] == opened.tender_id


def test_questions_are_answered_publicly_without_naming_who_asked(container, world, clock, opened):
    asker = world.bidders[0]
    download(container, asker, opened.tender_id)
    download(container, world.bidders[1], opened.tender_id)
    question_id = do_ask_question(
        uow=container.uow(), actor=asker, tender_id=opened.tender_id, question="钢筋规格是否可替换？"
    )
    with pytest.raises(Forbidden):
        do_ask_question(uow=container.uow(), actor=world.tenderer, tender_id=opened.tender_id, question="?")
    clarification = do_answer_question(
        uow=container.uow(),
        actor=world.tenderer,
        tender_id=opened.tender_id,
        question_id=question_id,
        answer="不可替换。",
    )
    assert "钢筋规格" in clarification.body and "不可替换" in clarification.body
    with container.engine.connect() as conn:
        [public] = answered_questions(conn, opened.tender_id)
        assert [c.id for c in list_clarifications(conn, opened.tender_id)] == [clarification.id]
    assert public.answer == "不可替换。"
    names = {asker.org_id, asker.user_id, "builder1"}
    assert not any(name in repr(public) + clarification.body + clarification.title for name in names)
    for bidder in world.bidders[:2]:  # every downloader is told, the asker among them
        assert any("澄清" in subject for subject in inbox_subjects(container, bidder))
    with pytest.raises(Conflict, match="already answered"):
        do_answer_question(
            uow=container.uow(),
            actor=world.tenderer,
            tender_id=opened.tender_id,
            question_id=question_id,
            answer="again",
        )


def market_staff(container, username: str, role: Role):
    from zhaocai.core.actor import SYSTEM
    from zhaocai.identity.env import identity_env
    from zhaocai.identity.service import do_create_user
    from zhaocai.identity.sessions import actor_for

    created = do_create_user(
        uow=container.uow(),
        actor=SYSTEM,
        env=identity_env(container),
        org_id=None,
        username=username,
        display_name=username,
        email=f"{username}@example.com",
        roles=frozenset({role.value}),
        password="Correct-Horse-7",
    )
    from zhaocai.identity.repository import get_user

    with container.engine.connect() as conn:
        user = get_user(conn, created.user_id)
    return actor_for(user, ip="127.0.0.1", auth_method="password")


def _number(container, opened):
    from zhaocai.tendering.queries import load_aggregate

    with container.engine.connect() as conn:
        return load_aggregate(conn, opened.tender_id).number
