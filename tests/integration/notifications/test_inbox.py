"""The in-app inbox: delivered by the commit, listed newest first, marked read only by its owner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.core.errors import NotFound, ValidationFailed
from zhaocai.notifications.service import do_mark_notification_read, list_inbox, queue_notification, unread_count

ALICE = Actor(user_id="01USERALICE000000000000000", auth_method="password")
BOB = Actor(user_id="01USERBOB00000000000000000", auth_method="password")


def queue(uow_factory, user_id: str, subject: str) -> str:
    uow = uow_factory()
    with uow:
        [inbox_id] = queue_notification(
            uow, user_id=user_id, email=None, subject=subject, body="正文", channels=["inbox"]
        )
        uow.commit()
    return inbox_id


def test_inbox_lists_newest_first_and_marks_read(engine, uow_factory, clock):
    first = queue(uow_factory, ALICE.user_id, "开标提醒")
    clock.advance(minutes=5)
    second = queue(uow_factory, ALICE.user_id, "澄清通知")
    queue(uow_factory, BOB.user_id, "别人的通知")

    with engine.connect() as conn:
        assert [item.id for item in list_inbox(conn, ALICE.user_id)] == [second, first]
        assert unread_count(conn, ALICE.user_id) == 2

    clock.advance(minutes=1)
    read_at = clock.now()
    do_mark_notification_read(uow=uow_factory(), actor=ALICE, notification_id=first)
    clock.advance(minutes=1)
    do_mark_notification_read(uow=uow_factory(), actor=ALICE, notification_id=first)  # again: no change

    with engine.connect() as conn:
        items = {item.id: item for item in list_inbox(conn, ALICE.user_id)}
        assert items[first].read_at == read_at
        assert items[second].read_at is None
        assert [item.id for item in list_inbox(conn, ALICE.user_id, unread_only=True)] == [second]
        assert unread_count(conn, ALICE.user_id) == 1
        entries = conn.execute(select(audit_entries.c.action, audit_entries.c.object_id, audit_entries.c.outcome))
        assert list(entries) == [("notification.mark_read", first, "ok")] * 2


def test_someone_elses_notification_is_not_found(engine, uow_factory):
    alices = queue(uow_factory, ALICE.user_id, "开标提醒")
    with pytest.raises(NotFound):
        do_mark_notification_read(uow=uow_factory(), actor=BOB, notification_id=alices)
    with engine.connect() as conn:
        assert unread_count(conn, ALICE.user_id) == 1
        [outcome] = conn.execute(select(audit_entries.c.outcome)).scalars()
        assert outcome == "refused:not_found"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"channels": ["email"], "email": None}, "email"),
        ({"channels": ["email"], "email": "a@b.cn\r\nBcc: everyone@b.cn"}, "email"),
        ({"channels": ["inbox"], "user_id": None}, "user_id"),
        ({"channels": ["sms"]}, "channels"),
        ({"channels": []}, "channels"),
        ({"subject": "line one\nBcc: everyone@b.cn"}, "subject"),
    ],
)
def test_bad_requests_are_refused(engine, uow_factory, options, field):
    arguments = {"user_id": ALICE.user_id, "email": "a@b.cn", "subject": "主题", "body": "正文"} | options
    uow = uow_factory()
    with uow, pytest.raises(ValidationFailed) as refused:
        queue_notification(uow, **arguments)
    assert refused.value.field == field
