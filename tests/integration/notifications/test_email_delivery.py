"""Email notifications against a real SMTP server on loopback, on both databases: sent only after commit,
retried with backoff while the server is down, given up after the last attempt."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from sqlalchemy import select

from zhaocai.adapters.db.tables.notifications import notifications
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden
from zhaocai.notifications.delivery import attempt_delivery, retry_delay
from zhaocai.notifications.service import deliver_pending, queue_notification
from zhaocai.usecase import use_case

ALICE = Actor(user_id="01USERALICE000000000000000", auth_method="password")
SUBJECT = "关于“城区道路改造工程”招标文件的澄清通知"
BODY = "各潜在投标人：\n招标文件第三章第2.1条修改如下……\n招标人：某某市交通局\n"
ADDRESS = "bidder@example.cn"


@use_case("test.notify")
def do_notify(*, uow, actor, user_id: str, refuse: bool = False, seen: list | None = None, **options):
    ids = queue_notification(uow, user_id=user_id, email=ADDRESS, subject=SUBJECT, body=BODY, **options)
    if seen is not None:
        seen.append(ids)
    if refuse:
        raise Forbidden("refused after queuing", field="user_id")
    return ids


@pytest.fixture
def uow_with(uow_factory):
    def make(sender):
        uow = uow_factory()
        uow.email_sender = sender
        return uow

    return make


def rows(engine, channel: str = "email"):
    with engine.connect() as conn:
        return conn.execute(select(notifications).where(notifications.c.channel == channel)).mappings().all()


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_delivered_after_commit_with_chinese_subject(engine, uow_with, sender, smtp_server, clock):
    messages = smtp_server.mailbox.messages
    sent_before_commit: list[int] = []

    @use_case("test.notify_and_peek")
    def do_notify_and_peek(*, uow, actor):
        queue_notification(uow, user_id=ALICE.user_id, email=ADDRESS, subject=SUBJECT, body=BODY)
        sent_before_commit.append(len(messages))

    do_notify_and_peek(uow=uow_with(sender), actor=ALICE)

    assert sent_before_commit == [0]
    [(mail_from, recipients, raw)] = messages
    assert (mail_from, recipients) == ("noreply@zhaocai.example.cn", [ADDRESS])
    raw.decode("ascii")  # every header and the body are 7-bit clean on the wire
    assert b"Subject: =?utf-8?" in raw
    message = parse(raw)
    assert message["Subject"] == SUBJECT
    assert message["From"].addresses[0].display_name == "招采平台"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == BODY
    [row] = rows(engine)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 1, None)
    assert row["sent_at"] == clock.now()
    [inbox] = rows(engine, "inbox")
    assert (inbox["status"], inbox["sent_at"], inbox["email"]) == ("sent", clock.now(), None)


def test_rolled_back_use_case_sends_nothing(engine, uow_with, sender, smtp_server):
    seen: list = []
    with pytest.raises(Forbidden):
        do_notify(uow=uow_with(sender), actor=ALICE, user_id=ALICE.user_id, refuse=True, seen=seen)
    assert len(seen) == 1  # the rows were queued, then rolled back
    uow = uow_with(sender)
    with uow:
        queue_notification(uow, user_id=ALICE.user_id, email=ADDRESS, subject=SUBJECT, body=BODY)
        # leaving without commit
    assert smtp_server.mailbox.messages == []
    assert rows(engine) == [] and rows(engine, "inbox") == []


def test_server_down_keeps_it_pending_until_a_later_run_sends_it(
    engine, uow_with, dead_sender, sender, smtp_server, clock
):
    [_, email_id] = do_notify(uow=uow_with(dead_sender), actor=ALICE, user_id=ALICE.user_id)

    [row] = rows(engine)
    assert (row["id"], row["status"], row["attempts"]) == (email_id, "pending", 1)
    assert "ConnectionRefusedError" in row["last_error"]
    assert row["next_attempt_at"] == clock.now() + retry_delay(1)

    assert deliver_pending(engine, sender, clock).sent == 0
    assert smtp_server.mailbox.messages == []  # not due yet: backoff is respected
    assert rows(engine)[0]["attempts"] == 1

    clock.advance(retry_delay(1))
    report = deliver_pending(engine, sender, clock)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [row] = rows(engine)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)
    assert row["sent_at"] == clock.now()
    assert parse(smtp_server.mailbox.messages[0][2])["Subject"] == SUBJECT


def test_gives_up_after_max_attempts(engine, uow_with, dead_sender, clock):
    do_notify(uow=uow_with(dead_sender), actor=ALICE, user_id=ALICE.user_id)
    outcomes = []
    for _ in range(4):
        clock.advance(hours=6)
        report = deliver_pending(engine, dead_sender, clock, max_attempts=3)
        outcomes.append((report.sent, report.retrying, report.failed))
    assert outcomes == [(0, 1, 0), (0, 0, 1), (0, 0, 0), (0, 0, 0)]
    [row] = rows(engine)
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("failed", 3, None)
    assert "ConnectionRefusedError" in row["last_error"]


def test_refused_mailbox_fails_at_once(engine, uow_with, sender, smtp_server, clock):
    smtp_server.mailbox.refuse.add(ADDRESS)
    do_notify(uow=uow_with(sender), actor=ALICE, user_id=ALICE.user_id)
    [row] = rows(engine)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["last_error"].startswith("PermanentDeliveryError") and "550" in row["last_error"]
    clock.advance(days=1)
    assert deliver_pending(engine, sender, clock).sent == 0


def test_without_a_sender_emails_wait_for_the_worker(engine, uow_factory, uow_with, sender, smtp_server, clock):
    do_notify(uow=uow_factory(), actor=ALICE, user_id=ALICE.user_id, channels=["email"])
    do_notify(uow=uow_with(sender), actor=ALICE, user_id=ALICE.user_id, channels=["email"], send_now=False)
    assert [(row["status"], row["attempts"]) for row in rows(engine)] == [("pending", 0)] * 2
    assert rows(engine, "inbox") == []
    assert smtp_server.mailbox.messages == []
    assert deliver_pending(engine, sender, clock).sent == 2
    assert len(smtp_server.mailbox.messages) == 2


def test_a_row_being_sent_is_not_sent_twice(engine, uow_factory, sender, smtp_server, clock):
    [email_id] = do_notify(uow=uow_factory(), actor=ALICE, user_id=ALICE.user_id, channels=["email"])
    meanwhile = []

    class RacingSender:
        """While this send is in flight, another sender (the worker, the after-commit hook) tries the row."""

        def send(self, **message):
            meanwhile.append(attempt_delivery(engine, sender, clock, email_id))
            meanwhile.append(deliver_pending(engine, sender, clock).sent)
            sender.send(**message)

    assert attempt_delivery(engine, RacingSender(), clock, email_id) == "sent"
    assert meanwhile == [None, 0]
    assert len(smtp_server.mailbox.messages) == 1
    clock.advance(days=1)
    assert deliver_pending(engine, sender, clock).sent == 0


def test_an_abandoned_attempt_is_retried_after_its_lease(engine, uow_factory, sender, smtp_server, clock):
    [email_id] = do_notify(uow=uow_factory(), actor=ALICE, user_id=ALICE.user_id, channels=["email"])

    class DyingSender:
        def send(self, **message):
            raise SystemExit("worker killed mid-send")

    with pytest.raises(SystemExit):
        attempt_delivery(engine, DyingSender(), clock, email_id)
    assert deliver_pending(engine, sender, clock).sent == 0  # still leased to the dead worker
    clock.advance(minutes=10)
    assert deliver_pending(engine, sender, clock).sent == 1
    assert rows(engine)[0]["attempts"] == 2


def test_retry_delays_grow_and_are_capped():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 4, 16, 64)]
    assert retry_delay(20) == timedelta(hours=6)
