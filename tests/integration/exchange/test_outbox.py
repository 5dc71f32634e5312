"""An exchange message exists if and only if the use case that wrote it committed."""

import pytest

from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden
from zhaocai.exchange.outbox import emit, pending_messages
from zhaocai.usecase import use_case

ACTOR = Actor(user_id="U1", auth_method="password")


@use_case("test.publish", object_type="notice")
def do_publish_notice(*, uow, actor, notice_id: str, refuse: bool = False):
    emit(uow, "GCJS_TENDER_NOTICE", {"TENDER_PROJECT_CODE": "T-001", "标题": "招标公告"}, object_id=notice_id)
    if refuse:
        raise Forbidden("refused after writing")


def test_committed_use_case_leaves_its_message(engine, uow_factory, clock):
    do_publish_notice(uow=uow_factory(), actor=ACTOR, notice_id="N1")
    with engine.connect() as conn:
        [message] = pending_messages(conn)
    assert message["message_type"] == "GCJS_TENDER_NOTICE"
    assert message["payload"] == {"TENDER_PROJECT_CODE": "T-001", "标题": "招标公告"}
    assert message["object_id"] == "N1"
    assert message["seq"] is None
    assert message["created_at"] == clock.now()


def test_refused_use_case_leaves_no_message(engine, uow_factory):
    with pytest.raises(Forbidden):
        do_publish_notice(uow=uow_factory(), actor=ACTOR, notice_id="N1", refuse=True)
    with engine.connect() as conn:
        assert pending_messages(conn) == []
