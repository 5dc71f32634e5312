"""A use case writes its audit entry in its own transaction; a refused one rolls back and records the refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotAuthenticated
from zhaocai.usecase import use_case

ALICE = Actor(user_id="U1", org_id="O1", ip="203.0.113.7", auth_method="password")


@use_case("test.touch", object_type="thing")
def do_touch_thing(*, uow, actor, thing_id: str, refuse: bool = False, keep: bool = False, password: str = ""):
    uow.conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (v VARCHAR(20))")
    uow.conn.exec_driver_sql("INSERT INTO scratch (v) VALUES ('written')")
    if keep:
        raise NotAuthenticated("wrong password").keeping_changes()
    if refuse:
        raise Forbidden("not yours", field="thing_id")
    return thing_id


def _entries(engine):
    with engine.connect() as conn:
        return conn.execute(select(audit_entries).order_by(audit_entries.c.id)).mappings().all()


def _scratch_rows(engine) -> int:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (v VARCHAR(20))")
        return conn.exec_driver_sql("SELECT count(*) FROM scratch").scalar_one()


def test_success_writes_entry_with_actor_and_target(engine, uow_factory, clock):
    assert do_touch_thing(uow=uow_factory(), actor=ALICE, thing_id="T9") == "T9"
    [entry] = _entries(engine)
    assert entry["action"] == "test.touch"
    assert entry["outcome"] == "ok"
    assert (entry["object_type"], entry["object_id"]) == ("thing", "T9")
    assert (entry["user_id"], entry["org_id"], entry["client_ip"]) == ("U1", "O1", "203.0.113.7")
    assert entry["occurred_at"] == clock.now()
    assert len(entry["payload_hash"]) == 64
    assert _scratch_rows(engine) == 1


def test_refusal_rolls_back_and_is_audited(engine, uow_factory):
    with pytest.raises(Forbidden):
        do_touch_thing(uow=uow_factory(), actor=ALICE, thing_id="T9", refuse=True)
    [entry] = _entries(engine)
    assert entry["outcome"] == "refused:forbidden"
    assert entry["reason"] == "not yours"
    assert _scratch_rows(engine) == 0


def test_refusal_that_keeps_changes_commits_them_with_its_entry(engine, uow_factory):
    with pytest.raises(NotAuthenticated):
        do_touch_thing(uow=uow_factory(), actor=ALICE, thing_id="T9", keep=True)
    [entry] = _entries(engine)
    assert entry["outcome"] == "refused:not_authenticated"
    assert _scratch_rows(engine) == 1


def test_passwords_do_not_reach_the_payload_hash(engine, uow_factory):
    do_touch_thing(uow=uow_factory(), actor=ALICE, thing_id="T9", password="hunter2")
    do_touch_thing(uow=uow_factory(), actor=ALICE, thing_id="T9", password="other")
    first, second = _entries(engine)
    assert first["payload_hash"] == second["payload_hash"]


def test_positional_arguments_are_rejected(uow_factory):
    with pytest.raises(TypeError):
        do_touch_thing(uow_factory(), ALICE, "T9")


def test_a_nul_in_what_the_caller_sent_is_still_recorded(engine, uow_factory):
    with pytest.raises(Forbidden):
        do_touch_thing(uow=uow_factory(), actor=ALICE, thing_id="T\x009", refuse=True)
    [entry] = _entries(engine)
    assert entry["object_id"] == "T\\x009"
