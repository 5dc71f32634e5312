"""Identity rules, pure: registration checks, organisation transitions, role combinations (三员分立), password
policy, lockout, session expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.identity.model import (
    ADMIN_TRIAD,
    ORG_TRANSITIONS,
    IdentityPolicy,
    Organisation,
    OrganisationDraft,
    OrgKind,
    OrgStatus,
    Role,
    User,
    UserStatus,
    challenge_message,
    check_password,
    check_role_set,
    check_second_factor_for,
    clean_username,
    session_expiry,
    transition_organisation,
    validate_registration,
)

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CODE = make_credit_code("91110108MA01ABCD" + organization_check_digit("MA01ABCD"))
POLICY = IdentityPolicy(login_max_failures=3, lockout_minutes=15, session_ttl_minutes=30, session_absolute_hours=12)


def draft(**changes: object) -> OrganisationDraft:
    base = OrganisationDraft(
        name=" 北京某某建设有限公司 ",
        credit_code=CODE.lower(),
        legal_representative="王五",
        contact_name="李四",
        contact_phone="13800138000",
        contact_email="li@example.com",
        region_code="110108",
        kinds=frozenset({OrgKind.BIDDER}),
    )
    return replace(base, **changes)


def org(kinds: frozenset[OrgKind] = frozenset({OrgKind.BIDDER}), status: OrgStatus = OrgStatus.VERIFIED):
    return Organisation(
        id="O1",
        name="某某",
        credit_code=CODE,
        legal_representative="王五",
        contact_name="李四",
        contact_phone="13800138000",
        contact_email="li@example.com",
        region_code="110108",
        kinds=kinds,
        status=status,
        registered_at=NOW,
    )


def user(**changes: object) -> User:
    base = User(
        id="U1",
        org_id=None,
        username="alice",
        display_name="Alice",
        email="a@example.com",
        phone=None,
        roles=frozenset(),
        status=UserStatus.ACTIVE,
        created_at=NOW,
    )
    return replace(base, **changes)


def test_registration_is_normalised() -> None:
    clean = validate_registration(draft())
    assert clean.credit_code == CODE
    assert clean.name == "北京某某建设有限公司"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"credit_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")}, "credit_code", "check character"),
        ({"credit_code": "91110108MA01ABCD"}, "credit_code", "18 characters"),
        ({"credit_code": CODE[:5] + "I" + CODE[6:]}, "credit_code", "not allowed"),
        ({"region_code": "990000"}, "region_code", "province"),
        ({"contact_phone": "12345"}, "contact_phone", "mobile"),
        ({"contact_email": "not-an-address"}, "contact_email", "e-mail"),
        ({"name": "   "}, "name", "required"),
        ({"kinds": frozenset()}, "kinds", "at least one"),
    ],
)
def test_registration_refusals_name_field_and_rule(changes: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_registration(draft(**changes))
    assert refused.value.field == field
    assert words in refused.value.message


def test_organisation_transitions_follow_the_table() -> None:
    pending = org(status=OrgStatus.PENDING)
    verified = transition_organisation(pending, "verify", at=NOW, by="P1", reason=None)
    assert (verified.status, verified.decided_by, verified.decided_at) == (OrgStatus.VERIFIED, "P1", NOW)
    assert transition_organisation(pending, "reject", at=NOW, by="P1", reason="x").status is OrgStatus.REJECTED
    with pytest.raises(Conflict, match="cannot verify an organisation whose status is verified"):
        transition_organisation(verified, "verify", at=NOW, by="P1", reason=None)
    assert (OrgStatus.REJECTED, "verify") not in ORG_TRANSITIONS


@pytest.mark.parametrize(
    "pair", [("system_admin", "security_admin"), ("security_admin", "audit_admin"), ("system_admin", "audit_admin")]
)
def test_three_administrators_are_three_people(pair: tuple[str, str]) -> None:
    with pytest.raises(Conflict) as refused:
        check_role_set(frozenset(Role(r) for r in pair), org=None)
    assert refused.value.code == "separation_of_duties"
    assert "三员分立" in refused.value.message
    assert refused.value.citation and "GB/T 22239" in refused.value.citation


def test_one_administrator_role_may_join_other_staff_roles() -> None:
    for admin in ADMIN_TRIAD:
        check_role_set(frozenset({admin, Role.PLATFORM_OPERATOR}), org=None)


def test_organisation_roles_follow_the_organisations_kinds() -> None:
    check_role_set(frozenset({Role.BIDDER}), org=org())
    with pytest.raises(ValidationFailed, match="not registered as a tenderer"):
        check_role_set(frozenset({Role.TENDERER}), org=org())
    with pytest.raises(ValidationFailed, match="platform staff"):
        check_role_set(frozenset({Role.SUPERVISOR}), org=org())
    with pytest.raises(ValidationFailed, match="organisation's users"):
        check_role_set(frozenset({Role.BIDDER}), org=None)


def test_second_factor_roles_need_an_enrolled_second_factor() -> None:
    with pytest.raises(Conflict, match="requires a second factor"):
        check_second_factor_for(frozenset({Role.SUPERVISOR}), user())
    check_second_factor_for(frozenset({Role.SUPERVISOR}), user(totp_enabled=True))
    check_second_factor_for(frozenset({Role.EXPERT}), user())
    assert user(roles=frozenset({Role.AUDIT_ADMIN})).needs_second_factor
    assert not user(roles=frozenset({Role.EXPERT})).needs_second_factor
    assert user(totp_enabled=True).needs_second_factor


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("Sh0rt!", "at least 10"),
        ("alllowercaseletters", "three of"),
        ("ALLUPPER123456", "three of"),
        ("Alice-Password-1", "username"),
        ("x" * 257, "at most 256"),
    ],
)
def test_password_policy_names_the_rule(password: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_password(password, username="alice")
    assert words in refused.value.message
    assert password not in refused.value.message


@pytest.mark.parametrize("password", ["Correct-Horse-7", "correct horse 7", "密码很长很长的口令abc1"])
def test_good_passwords_pass(password: str) -> None:
    check_password(password, username="alice")


def test_lockout_after_max_failures_until_it_ends() -> None:
    account = user()
    for _ in range(POLICY.login_max_failures - 1):
        account = account.after_failed_login(NOW, POLICY)
        assert not account.is_locked(NOW)
    account = account.after_failed_login(NOW, POLICY)
    assert account.is_locked(NOW)
    assert account.is_locked(NOW + timedelta(minutes=14, seconds=59))
    assert not account.is_locked(NOW + timedelta(minutes=15))
    assert account.failed_logins == 0
    assert account.after_successful_login().locked_until is None


def test_session_expires_when_idle_or_too_old() -> None:
    assert session_expiry(NOW, NOW, POLICY) == NOW + timedelta(minutes=30)
    late = NOW + timedelta(hours=11, minutes=50)
    assert session_expiry(NOW, late, POLICY) == NOW + timedelta(hours=12)


def test_usernames_are_lower_case_and_plain() -> None:
    assert clean_username(" Alice.W ") == "alice.w"
    for bad in ("ab", "-alice", "ali ce", "张三", "a" * 65):
        with pytest.raises(ValidationFailed):
            clean_username(bad)


def test_challenge_message_binds_platform_and_challenge() -> None:
    one = challenge_message("ZC1", "C1", "n")
    assert one != challenge_message("ZC2", "C1", "n")
    assert one != challenge_message("ZC1", "C2", "n")
