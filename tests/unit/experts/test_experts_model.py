"""The pure rules of the pool: recusal reasons, region scopes, the draw's state table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.experts.model import (
    DrawEvent,
    DrawParties,
    DrawState,
    ExpertFacts,
    Recusal,
    advance,
    clean_specialties,
    covers,
    in_regions,
    recusals,
)

AT = datetime(2026, 4, 1, 1, tzinfo=UTC)
PARTIES = DrawParties(
    bidders=frozenset({"LEAD", "MEMBER"}),
    bidder_credit_codes=frozenset({"91110108MA01AAAA0X"}),
    tender_side=frozenset({"T"}),
)


def _expert(**changes: object) -> ExpertFacts:
    values: dict[str, object] = {
        "expert_id": "E1",
        "specialties": ("A01",),
        "region_code": "110108",
        "employer_org_id": None,
        "employer_credit_code": None,
        "punished": False,
        "supervising_staff": False,
        "blacklisted": False,
        "certificate_fingerprint": "ab" * 32,
        "conflicts": frozenset(),
        "unavailable": (),
    }
    return ExpertFacts(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"employer_org_id": "MEMBER"}, [Recusal.EMPLOYER_IS_BIDDER]),  # a consortium member's employee
        ({"employer_credit_code": "91110108MA01AAAA0X"}, [Recusal.EMPLOYER_IS_BIDDER]),  # employer not registered
        ({"employer_org_id": "T"}, [Recusal.EMPLOYER_IS_TENDER_PARTY]),
        ({"conflicts": frozenset({"LEAD"})}, [Recusal.DECLARED_RELATION]),
        ({"conflicts": frozenset({"ELSEWHERE"})}, []),
        ({"punished": True, "blacklisted": True}, [Recusal.PUNISHED, Recusal.BLACKLISTED]),
        ({"supervising_staff": True}, [Recusal.SUPERVISING_STAFF]),
        ({"unavailable": ((AT - timedelta(days=1), AT + timedelta(seconds=1)),)}, [Recusal.UNAVAILABLE]),
        ({"unavailable": ((AT - timedelta(days=1), AT),)}, []),  # the period ends as the evaluation starts
        ({"certificate_fingerprint": None}, [Recusal.NO_CERTIFICATE]),
    ],
)
def test_recusal_reasons(changes: dict[str, object], expected: list[Recusal]) -> None:
    assert [code for code, _ in recusals(_expert(**changes), PARTIES, AT)] == expected


def test_region_scopes() -> None:
    assert in_regions("110108", ()) and in_regions("110108", ("110000",)) and in_regions("110108", ("110100",))
    assert not in_regions("310104", ("110000",))
    assert covers(("110000",), "110108") and covers(("110108",), "110000") and not covers(("310000",), "110108")


def test_specialty_codes_are_cleaned_and_checked() -> None:
    assert clean_specialties(["a01", "A01", "B0201"]) == ("A01", "B0201")
    with pytest.raises(ValidationFailed):
        clean_specialties(["1AB"])
    with pytest.raises(ValidationFailed):
        clean_specialties([])


def test_the_state_table_refuses_what_it_does_not_list() -> None:
    assert advance(DrawState.REVEALING, DrawEvent.REVEAL_MISSED) is DrawState.COMMITTING
    assert advance("drawn", DrawEvent.FIX) is DrawState.FIXED
    with pytest.raises(Conflict) as refused:
        advance(DrawState.FIXED, DrawEvent.DECLINE)
    assert refused.value.code == "draw_state" and "replace" in refused.value.message
    with pytest.raises(Conflict):
        advance(DrawState.FIXED, DrawEvent.CANCEL)
