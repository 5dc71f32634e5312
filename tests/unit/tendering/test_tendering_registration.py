"""Projects, tenders and lots as the tenderer registers them: numbers derived from the project code, the agency
and invitation rules, bonds within the limits, and what must hold before the notice goes out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from tendering_world import NOTICE_AT, PROJECT_CODE, TODAY, book, notice_for, project, tender

from zhaocai.core.errors import ValidationFailed
from zhaocai.tendering.model import (
    ApprovalKind,
    ApprovalRecord,
    Event,
    EventKind,
    Funding,
    OrganisationForm,
    ProcurementMethod,
    State,
    add_lot,
    check_publishable,
    fire,
    new_project,
)

APPROVAL = ApprovalRecord(ApprovalKind.RECORDED, "某市发展和改革委员会", "备案〔2025〕3号", date(2025, 1, 15))


def test_a_project_is_registered_with_a_valid_code_and_approval() -> None:
    registered = new_project(
        code=" 2411－130202—89-01-637015 ",
        name=" 项目 ",
        approval=APPROVAL,
        funding=Funding(total_investment="1,000,000.00", budget_funds=0),  # type: ignore[arg-type]
        today=TODAY,
    )
    assert registered.code == PROJECT_CODE
    assert registered.name == "项目"
    assert registered.funding.total_investment == Decimal("1000000.00")
    assert not registered.funding.uses_state_funds


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "2411-130202-89-01-63701"}, "project_code"),
        ({"name": " "}, "name"),
        ({"approval": replace(APPROVAL, authority="")}, "approval.authority"),
        ({"approval": replace(APPROVAL, document_number=" ")}, "approval.document_number"),
        ({"approval": replace(APPROVAL, approved_on=date(2025, 3, 2))}, "approval.approved_on"),
        ({"funding": Funding(total_investment=Decimal("0.00"))}, "funding.total_investment"),
        (
            {"funding": Funding(total_investment=Decimal("10.00"), budget_funds=Decimal("10.01"))},
            "funding.budget_funds",
        ),
        ({"funding": Funding(total_investment=1.5)}, "funding.total_investment"),  # type: ignore[arg-type]
    ],
)
def test_a_bad_project_is_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "code": PROJECT_CODE,
        "name": "项目",
        "approval": APPROVAL,
        "funding": Funding(total_investment=Decimal("100.00")),
        "today": TODAY,
    }
    values.update(changes)
    with pytest.raises(ValidationFailed) as caught:
        new_project(**values)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_tender_and_lot_numbers_derive_from_the_project_code() -> None:
    draft = tender(lots=2)
    assert draft.number == f"{PROJECT_CODE}-001"
    assert [lot.number for lot in draft.lots] == [f"{PROJECT_CODE}-001-001", f"{PROJECT_CODE}-001-002"]
    custom = tender(seq=7, number_pattern="{project}-T{seq:02d}")
    assert custom.number == f"{PROJECT_CODE}-T07"
    lot = add_lot(
        custom, seq=3, name="包3", estimate="100.00", bond_amount="2.00", book=book(), number_pattern="{tender}/{seq}"
    )
    assert lot.lots[-1].number == f"{PROJECT_CODE}-T07/3"


def test_an_agency_tender_names_its_agency_and_a_self_run_one_has_none() -> None:
    with pytest.raises(ValidationFailed) as caught:
        tender(agent_org_id=None)
    assert (caught.value.field, caught.value.citation) == ("agent_org_id", "法12")
    with pytest.raises(ValidationFailed) as caught:
        tender(organisation=OrganisationForm.SELF_RUN)
    assert caught.value.citation == "法12"
    assert tender(organisation=OrganisationForm.SELF_RUN, agent_org_id=None).agent_org_id is None


def test_prices_are_positive_amounts() -> None:
    draft = tender(price_ceiling="29000000.00", reference_price=Decimal("27500000.00"))
    assert draft.price_ceiling == Decimal("29000000.00") and draft.reference_price == Decimal("27500000.00")
    for field in ("price_ceiling", "reference_price", "estimate"):
        with pytest.raises(ValidationFailed) as caught:
            tender(**{field: "0"})
        assert caught.value.field == field
    with pytest.raises(ValidationFailed):
        tender(estimate=3.0e7)


def test_an_invited_tender_needs_three_invitees_before_its_notice() -> None:
    with pytest.raises(ValidationFailed, match="invites nobody"):
        tender(invitees=("A", "B", "C"))
    with pytest.raises(ValidationFailed, match="once"):
        tender(method=ProcurementMethod.INVITED, invitees=("A", "A", "B"), mandatory=False)
    two = tender(method=ProcurementMethod.INVITED, invitees=("A", "B"), mandatory=False)
    with pytest.raises(ValidationFailed) as caught:
        check_publishable(two, book(mandatory=False))
    assert (caught.value.field, caught.value.citation) == ("invitees", "法17")
    with pytest.raises(ValidationFailed) as caught:
        fire(two, Event(EventKind.PUBLISH_NOTICE, NOTICE_AT, notice=notice_for(two)))
    assert caught.value.citation == "法17"
    three = replace(two, invitees=("A", "B", "C"))
    published = fire(three, Event(EventKind.PUBLISH_NOTICE, NOTICE_AT, notice=notice_for(three)))
    assert published.state is State.NOTICE_PUBLISHED and published.notice is not None
    assert published.notice.kind == "invitation"


def test_a_state_controlled_mandatory_project_tenders_openly_unless_grounds_are_given() -> None:
    controlled = project(state_controlled=True)
    invited = {"method": ProcurementMethod.INVITED, "invitees": ("A", "B", "C"), "project": controlled}
    with pytest.raises(ValidationFailed) as caught:
        tender(**invited)
    assert (caught.value.field, caught.value.citation) == ("invitation_grounds", "条例8")
    assert tender(**invited, invitation_grounds="技术复杂，只有少量潜在投标人可供选择").state_controlled
    assert tender(**invited, mandatory=False).method is ProcurementMethod.INVITED


def test_a_bond_is_at_most_two_percent_of_the_lot_estimate() -> None:
    draft = tender(lots=0)
    ok = add_lot(draft, seq=1, name="一标段", estimate="1234567.89", bond_amount="24691.35", book=book())
    assert ok.lots[0].bond_amount == Decimal("24691.35")
    with pytest.raises(ValidationFailed) as caught:
        add_lot(draft, seq=1, name="一标段", estimate="1234567.89", bond_amount="24691.36", book=book())
    assert (caught.value.field, caught.value.citation) == ("bond_amount", "条例26")


def test_a_lot_number_is_used_once_and_a_tender_needs_a_lot() -> None:
    draft = tender(lots=1)
    with pytest.raises(Exception, match="already has lot 1"):
        add_lot(draft, seq=1, name="重复", estimate="100", bond_amount="1", book=book())
    with pytest.raises(ValidationFailed) as caught:
        check_publishable(tender(lots=0), book())
    assert caught.value.field == "lots"


def test_bonds_are_checked_again_under_the_rules_of_the_publication_day() -> None:
    draft = tender()
    too_big = replace(draft, lots=(replace(draft.lots[0], bond_amount=Decimal("200000.01")),))
    with pytest.raises(ValidationFailed) as caught:
        fire(too_big, Event(EventKind.PUBLISH_NOTICE, NOTICE_AT, notice=notice_for(too_big)))
    assert (caught.value.field, caught.value.citation) == ("lots[0].bond_amount", "条例26")
