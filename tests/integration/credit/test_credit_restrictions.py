"""Debarments, credit restrictions and court-listed defaulters: recorded and lifted by the platform operator only
(audited either way), and `restriction_for` answers what is in force at an instant (Asia/Shanghai days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from credit_world import outcomes

from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.credit.model import RestrictionKind
from zhaocai.credit.queries import restriction_for
from zhaocai.credit.service import do_lift_restriction, do_record_restriction


def _at(day: str, hour: int = 0, minute: int = 0) -> datetime:
    """An instant on a Shanghai day (UTC+8) — 00:00 Shanghai is 16:00 UTC the day before."""
    local = datetime.fromisoformat(day).replace(hour=hour, minute=minute)
    return (local - timedelta(hours=8)).replace(tzinfo=UTC)


def _debar(uow_factory, operator, org_id, **changes):
    values = {
        "org_id": org_id,
        "kind": "debarment",
        "reason": "串通投标 (条例67), 取消投标资格一年",
        "basis": "条例67",
        "from_day": date(2026, 3, 1),
        "until": date(2027, 2, 28),
        "decision_ref": "京发改罚〔2026〕12号",
    }
    return do_record_restriction(uow=uow_factory(), actor=operator, **(values | changes))


def test_a_debarment_binds_from_its_first_to_its_last_day(uow_factory, world, operator):
    acme = world.organisation("acme")
    other = world.organisation("other")
    recorded = _debar(uow_factory, operator, acme.org_id)
    assert recorded.restriction.kind is RestrictionKind.DEBARMENT
    with uow_factory() as uow:
        conn = uow.conn
        assert restriction_for(conn, acme.org_id, _at("2026-02-28", 23, 59)) is None
        found = restriction_for(conn, acme.org_id, _at("2026-03-01"))
        assert found is not None
        assert (found.kind, found.basis, found.until, found.reason) == (
            RestrictionKind.DEBARMENT,
            "条例67",
            date(2027, 2, 28),
            "串通投标 (条例67), 取消投标资格一年",
        )
        assert restriction_for(conn, acme.org_id, _at("2027-02-28", 23, 59)) is not None
        assert restriction_for(conn, acme.org_id, _at("2027-03-01")) is None
        assert restriction_for(conn, other.org_id, _at("2026-06-01")) is None
    assert outcomes(uow_factory().engine, "credit.record_restriction") == ["ok"]


def test_lifting_ends_a_restriction_at_that_instant_and_keeps_the_record(uow_factory, world, operator, clock):
    acme = world.organisation("acme")
    recorded = _debar(uow_factory, operator, acme.org_id, kind="court_defaulter", basis="法〔2016〕285号", until=None)
    before = clock.now()
    clock.advance(hours=1)
    lifted = do_lift_restriction(
        uow=uow_factory(), actor=operator, restriction_id=recorded.restriction.id, reason="已履行, 移出失信名单"
    )
    assert lifted.lifted is not None and lifted.lifted.at == clock.now()
    with uow_factory() as uow:
        assert restriction_for(uow.conn, acme.org_id, before).kind is RestrictionKind.COURT_DEFAULTER
        assert restriction_for(uow.conn, acme.org_id, clock.now()) is None
    with pytest.raises(Conflict):
        do_lift_restriction(uow=uow_factory(), actor=operator, restriction_id=recorded.restriction.id, reason="again")


def test_of_several_in_force_the_longest_lasting_is_answered(uow_factory, world, operator):
    acme = world.organisation("acme")
    _debar(uow_factory, operator, acme.org_id, kind="credit_restriction", basis="信用惩戒", until=date(2026, 6, 30))
    _debar(uow_factory, operator, acme.org_id, basis="条例68", until=date(2028, 2, 29))
    _debar(uow_factory, operator, acme.org_id, until=date(2027, 2, 28))
    with uow_factory() as uow:
        found = restriction_for(uow.conn, acme.org_id, _at("2026-04-01"))
    assert (found.basis, found.until) == ("条例68", date(2028, 2, 29))


def test_only_the_platform_operator_records_and_the_refusals_are_audited(uow_factory, world, operator):
    acme = world.organisation("acme")
    supervisor = world.staff("supervisor", "supervisor")
    for actor in (acme.actor, supervisor):
        with pytest.raises(Forbidden) as refused:
            _debar(uow_factory, actor, acme.org_id)
        assert refused.value.field == "role"
    recorded = _debar(uow_factory, operator, acme.org_id)
    with pytest.raises(Forbidden):
        do_lift_restriction(uow=uow_factory(), actor=acme.actor, restriction_id=recorded.restriction.id, reason="x")
    engine = uow_factory().engine
    assert outcomes(engine, "credit.record_restriction") == ["refused:role", "refused:role", "ok"]
    assert outcomes(engine, "credit.lift_restriction") == ["refused:role"]
    with uow_factory() as uow:
        assert restriction_for(uow.conn, acme.org_id, _at("2026-04-01")) is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"until": date(2026, 2, 1)}, "until"),
        ({"basis": "   "}, "basis"),
        ({"reason": ""}, "reason"),
        ({"kind": "blacklist"}, "kind"),
    ],
)
def test_a_bad_record_is_refused_naming_the_field(uow_factory, world, operator, changes, field):
    acme = world.organisation("acme")
    with pytest.raises(ValidationFailed) as refused:
        _debar(uow_factory, operator, acme.org_id, **changes)
    assert refused.value.field == field
    with uow_factory() as uow:
        assert restriction_for(uow.conn, acme.org_id, _at("2026-04-01")) is None


def test_a_record_about_an_unknown_organisation_is_refused(uow_factory, operator):
    with pytest.raises(NotFound):
        _debar(uow_factory, operator, "01J0000000000000000000000X")
