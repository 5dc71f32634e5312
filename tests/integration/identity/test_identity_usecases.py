"""Identity use cases on SQLite and PostgreSQL: each writes its audit entry (ok / refused:<reason>), refusals roll
back except the failed-login counters and lockouts, which are committed with their entries."""

from __future__ import annotations

import pytest
from identity_world import PASSWORD, SYSTEM, credit_code, entries, outcomes
from sqlalchemy import select

from zhaocai.adapters.db.tables.identity import organisations, password_resets, sessions
from zhaocai.adapters.db.tables.notifications import notifications
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, Locked, NotAuthenticated, ValidationFailed
from zhaocai.identity.model import OrgKind
from zhaocai.identity.repository import get_user
from zhaocai.identity.service import (
    do_begin_totp_enrolment,
    do_confirm_password_reset,
    do_confirm_totp_enrolment,
    do_create_api_token,
    do_create_user,
    do_grant_role,
    do_login_password,
    do_register_organisation,
    do_request_password_reset,
    do_revoke_api_token,
    do_revoke_role,
    do_verify_organisation,
)
from zhaocai.identity.totp import decode_secret, totp

ANON = Actor(ip="198.51.100.9", auth_method="anonymous")


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(table)).all())


def test_registration_creates_pending_subject_and_its_administrator(engine, world):
    registered = world.register("MA01AAAA", "acme", {OrgKind.BIDDER, OrgKind.TENDERER}, verify=False)
    actor = world.actor(registered.user_id)
    assert actor.org_id == registered.org_id
    assert actor.roles == {"bidder", "tenderer"}
    [entry] = entries(engine, "identity.register_organisation")
    assert (entry["outcome"], entry["object_id"], entry["client_ip"]) == ("ok", registered.org_id, "198.51.100.1")


def test_duplicate_and_malformed_credit_codes_are_refused_and_audited(engine, world):
    world.register("MA01AAAA", "acme", verify=False)
    with pytest.raises(Conflict, match="already registered"):
        world.register("MA01AAAA", "acme2", verify=False)
    good = credit_code("MA01BBBB")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    with pytest.raises(ValidationFailed) as refused:
        do_register_organisation(
            uow=world.uow_factory(),
            actor=ANON,
            env=world.env,
            draft=_draft(bad),
            username="other",
            display_name="other",
            email="o@example.com",
            phone=None,
            password=PASSWORD,
        )
    assert refused.value.field == "credit_code"
    assert outcomes(engine, "identity.register_organisation") == [
        "ok",
        "refused:duplicate_credit_code",
        "refused:invalid",
    ]
    assert _count(engine, organisations) == 1


def _draft(code: str):
    from zhaocai.identity.model import OrganisationDraft

    return OrganisationDraft(
        name="某公司",
        credit_code=code,
        legal_representative="王五",
        contact_name="李四",
        contact_phone="13800138000",
        contact_email="x@example.com",
        region_code="110108",
        kinds=frozenset({OrgKind.BIDDER}),
    )


def test_only_a_platform_operator_verifies(engine, world):
    pending = world.register("MA01AAAA", "acme", verify=False)
    bidder = world.register("MA01BBBB", "bob")
    with pytest.raises(Forbidden, match="requires the role platform_operator"):
        do_verify_organisation(uow=world.uow_factory(), actor=world.actor(bidder.user_id), org_id=pending.org_id)
    operator = world.staff("olga", "platform_operator")
    do_verify_organisation(uow=world.uow_factory(), actor=world.actor(operator.user_id), org_id=pending.org_id)
    assert outcomes(engine, "identity.verify_organisation") == ["ok", "refused:role", "ok"]


def test_failures_are_committed_and_lock_the_account_until_the_lockout_ends(engine, world, clock):
    acme = world.register("MA01AAAA", "acme")

    def login(password):
        return do_login_password(uow=world.uow_factory(), actor=ANON, env=world.env, username="acme", password=password)

    for _ in range(2):
        with pytest.raises(NotAuthenticated, match="wrong username or password"):
            login("Wrong-Horse-7")
    uow = world.uow_factory()
    with uow:
        assert get_user(uow.conn, acme.user_id).failed_logins == 2
    with pytest.raises(Locked, match="locked until"):
        login("Wrong-Horse-7")
    with pytest.raises(Locked):
        login(PASSWORD)
    clock.advance(minutes=15)
    session = login(PASSWORD)
    assert session.user_id == acme.user_id
    assert outcomes(engine, "identity.login_password") == [
        "refused:bad_credentials",
        "refused:bad_credentials",
        "refused:account_locked",
        "refused:account_locked",
        "ok",
    ]
    assert entries(engine, "identity.login_password")[0]["object_id"] == acme.user_id


def test_unknown_user_gets_the_same_answer(engine, world):
    with pytest.raises(NotAuthenticated) as refused:
        do_login_password(uow=world.uow_factory(), actor=ANON, env=world.env, username="nobody", password=PASSWORD)
    assert refused.value.message == "wrong username or password"
    assert outcomes(engine, "identity.login_password") == ["refused:bad_credentials"]


def test_administrators_need_totp_and_a_code_works_once(engine, world, clock):
    created = world.staff("sam", "system_admin")
    key = decode_secret(created.totp_secret)

    def login(code):
        return do_login_password(
            uow=world.uow_factory(), actor=ANON, env=world.env, username="sam", password=PASSWORD, totp_code=code
        )

    with pytest.raises(NotAuthenticated, match="second factor required"):
        login(None)
    with pytest.raises(NotAuthenticated, match="wrong second factor"):
        login("000000" if totp(key, clock.now()) != "000000" else "111111")
    code = totp(key, clock.now())
    assert login(code).auth_method == "password+totp"
    with pytest.raises(NotAuthenticated, match="wrong second factor"):
        login(code)  # replayed
    assert outcomes(engine, "identity.login_password") == [
        "refused:second_factor_required",
        "refused:bad_second_factor",
        "ok",
        "refused:bad_second_factor",
    ]
    uow = world.uow_factory()
    with uow:
        assert get_user(uow.conn, created.user_id).failed_logins == 1  # the success reset the count


def test_totp_enrolment_then_login_asks_for_a_code(world, clock):
    acme = world.register("MA01AAAA", "acme")
    actor = world.actor(acme.user_id)
    enrolment = do_begin_totp_enrolment(uow=world.uow_factory(), actor=actor, env=world.env)
    assert enrolment.otpauth_uri.startswith("otpauth://totp/")
    with pytest.raises(ValidationFailed):
        do_confirm_totp_enrolment(uow=world.uow_factory(), actor=actor, totp_code="12345x")
    code = totp(decode_secret(enrolment.secret), clock.now())
    do_confirm_totp_enrolment(uow=world.uow_factory(), actor=actor, totp_code=code)
    with pytest.raises(NotAuthenticated, match="second factor required"):
        do_login_password(uow=world.uow_factory(), actor=ANON, env=world.env, username="acme", password=PASSWORD)
    clock.advance(seconds=30)
    later = totp(decode_secret(enrolment.secret), clock.now())
    session = do_login_password(
        uow=world.uow_factory(), actor=ANON, env=world.env, username="acme", password=PASSWORD, totp_code=later
    )
    assert session.auth_method == "password+totp"


def test_three_administrators_stay_three_people(engine, world):
    security = world.staff("sec", "security_admin")
    sam = world.staff("sam", "system_admin")
    with pytest.raises(Conflict, match="三员分立"):
        do_grant_role(
            uow=world.uow_factory(), actor=world.actor(security.user_id), user_id=sam.user_id, role="audit_admin"
        )
    with pytest.raises(Forbidden, match="their own roles"):
        do_grant_role(
            uow=world.uow_factory(), actor=world.actor(security.user_id), user_id=security.user_id, role="expert"
        )
    assert outcomes(engine, "identity.grant_role") == ["refused:separation_of_duties", "refused:own_roles"]


def test_system_admin_creates_staff_without_roles_and_security_admin_grants(engine, world, clock):
    sam = world.actor(world.staff("sam", "system_admin").user_id)
    sec = world.actor(world.staff("sec", "security_admin").user_id)

    def create(actor, **kw):
        return do_create_user(
            uow=world.uow_factory(),
            actor=actor,
            env=world.env,
            org_id=None,
            username="vic",
            display_name="Vic",
            email="vic@example.com",
            password=PASSWORD,
            **kw,
        )

    with pytest.raises(Forbidden, match="without roles"):
        create(sam, roles=frozenset({"supervisor"}))
    with pytest.raises(Forbidden, match="requires the role system_admin"):
        create(sec)
    vic = create(sam)
    with pytest.raises(Forbidden, match="requires security_admin"):
        do_grant_role(uow=world.uow_factory(), actor=sam, user_id=vic.user_id, role="expert")
    with pytest.raises(Conflict, match="requires a second factor"):
        do_grant_role(uow=world.uow_factory(), actor=sec, user_id=vic.user_id, role="supervisor")
    assert do_grant_role(uow=world.uow_factory(), actor=sec, user_id=vic.user_id, role="expert") == {"expert"}
    assert do_revoke_role(uow=world.uow_factory(), actor=sec, user_id=vic.user_id, role="expert") == set()
    assert outcomes(engine, "identity.create_user")[-3:] == ["refused:separation_of_duties", "refused:role", "ok"]
    assert outcomes(engine, "identity.grant_role") == [
        "refused:role",
        "refused:second_factor_not_enrolled",
        "ok",
    ]


def test_organisation_administrator_manages_its_own_users_once_verified(engine, world):
    pending = world.register("MA01AAAA", "acme", {OrgKind.BIDDER}, verify=False)
    other = world.register("MA01BBBB", "bob")

    def create(actor, org_id, username, roles=frozenset({"bidder"})):
        return do_create_user(
            uow=world.uow_factory(),
            actor=actor,
            env=world.env,
            org_id=org_id,
            username=username,
            display_name=username,
            email=f"{username}@example.com",
            password=PASSWORD,
            roles=roles,
        )

    acme_admin = world.actor(pending.user_id)
    with pytest.raises(Forbidden, match="organisation not verified"):
        create(acme_admin, pending.org_id, "acme2")
    with pytest.raises(Forbidden, match="another organisation"):
        create(acme_admin, other.org_id, "intruder")
    do_verify_organisation(uow=world.uow_factory(), actor=SYSTEM, org_id=pending.org_id)
    with pytest.raises(ValidationFailed, match="not registered as a tenderer"):
        create(acme_admin, pending.org_id, "acme3", frozenset({"tenderer"}))
    clerk = create(acme_admin, pending.org_id, "acme2")
    clerk_actor = world.actor(clerk.user_id)
    with pytest.raises(Forbidden, match="org_admin"):
        create(clerk_actor, pending.org_id, "acme4")
    with pytest.raises(Forbidden, match="another organisation"):
        do_revoke_role(uow=world.uow_factory(), actor=acme_admin, user_id=other.user_id, role="bidder")
    do_revoke_role(uow=world.uow_factory(), actor=acme_admin, user_id=clerk.user_id, role="bidder")
    assert outcomes(engine, "identity.create_user") == [
        "refused:organisation_not_verified",
        "refused:other_organisation",
        "refused:invalid",
        "ok",
        "refused:org_admin",
    ]


def test_password_reset_reveals_nothing_works_once_and_expires(engine, world, clock):
    acme = world.register("MA01AAAA", "acme")
    do_request_password_reset(uow=world.uow_factory(), actor=ANON, env=world.env, login="nobody@example.com")
    assert _count(engine, password_resets) == 0
    do_request_password_reset(uow=world.uow_factory(), actor=ANON, env=world.env, login="ACME@example.com")
    with engine.connect() as conn:
        [mail] = conn.execute(select(notifications)).mappings().all()
        [reset] = conn.execute(select(password_resets)).mappings().all()
    assert mail["email"] == "acme@example.com"
    token = mail["body"].split("token=")[1].split()[0]
    assert token not in str(dict(reset))  # only its hash is kept
    login_session = do_login_password(
        uow=world.uow_factory(), actor=ANON, env=world.env, username="acme", password=PASSWORD
    )
    with pytest.raises(ValidationFailed, match="at least 10"):
        do_confirm_password_reset(uow=world.uow_factory(), actor=ANON, env=world.env, token=token, new_password="short")
    do_confirm_password_reset(
        uow=world.uow_factory(), actor=ANON, env=world.env, token=token, new_password="New-Horse-88"
    )
    with pytest.raises(NotAuthenticated, match="already been used"):
        do_confirm_password_reset(
            uow=world.uow_factory(), actor=ANON, env=world.env, token=token, new_password="New-Horse-99"
        )
    with engine.connect() as conn:
        ended = conn.execute(select(sessions.c.ended_at).where(sessions.c.id == login_session.session_id)).scalar_one()
    assert ended is not None
    do_login_password(uow=world.uow_factory(), actor=ANON, env=world.env, username="acme", password="New-Horse-88")
    do_request_password_reset(uow=world.uow_factory(), actor=ANON, env=world.env, login="acme")
    with engine.connect() as conn:
        mails = conn.execute(select(notifications.c.body).order_by(notifications.c.created_at)).scalars().all()
    late_token = mails[-1].split("token=")[1].split()[0]
    clock.advance(minutes=31)
    with pytest.raises(NotAuthenticated, match="expired"):
        do_confirm_password_reset(
            uow=world.uow_factory(), actor=ANON, env=world.env, token=late_token, new_password="New-Horse-77"
        )
    assert outcomes(engine, "identity.confirm_password_reset") == [
        "refused:invalid",
        "ok",
        "refused:reset_token_invalid",
        "refused:reset_token_expired",
    ]
    assert acme is not None


def test_api_tokens_belong_to_their_owner(engine, world):
    acme = world.actor(world.register("MA01AAAA", "acme").user_id)
    bob = world.actor(world.register("MA01BBBB", "bob").user_id)
    created = do_create_api_token(uow=world.uow_factory(), actor=acme, env=world.env, name="bidder tool")
    assert created.token.startswith("zcat_")
    with pytest.raises(Forbidden, match="cannot create API tokens"):
        do_create_api_token(
            uow=world.uow_factory(), actor=world.actor(acme.user_id, "api_token"), env=world.env, name="again"
        )
    with pytest.raises(Forbidden, match="another user"):
        do_revoke_api_token(uow=world.uow_factory(), actor=bob, token_id=created.token_id)
    do_revoke_api_token(uow=world.uow_factory(), actor=acme, token_id=created.token_id)
    assert outcomes(engine, "identity.revoke_api_token") == ["refused:other_user", "ok"]
