"""The platform's operator and affiliates (20号令23) and the 条例34 pairs: the same legal representative (names
normalised; identity documents, when both are recorded, tell namesakes apart) or a control relationship in force."""

from __future__ import annotations

from decimal import Decimal

import pytest
from credit_world import outcomes

from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.credit.model import mask_id_number, normalise_person_name
from zhaocai.credit.queries import related_pairs, standing
from zhaocai.credit.service import (
    do_end_control_relationship,
    do_record_control_relationship,
    do_record_legal_representative,
    do_record_platform_affiliate,
    do_remove_platform_affiliate,
)

# Valid 居民身份证 numbers (GB 11643-1999 check characters).
ID_A = "11010519491231002X"
ID_B = "110105194912310038"


def _pairs(uow_factory, *org_ids):
    with uow_factory() as uow:
        return related_pairs(uow.conn, org_ids)


def _affiliate(uow_factory, org_id):
    with uow_factory() as uow:
        return standing(uow.conn, org_id, uow.clock.now()).affiliate


def _control(uow_factory, operator, parent, child, relation="holding", share="51"):
    return do_record_control_relationship(
        uow=uow_factory(),
        actor=operator,
        parent_org_id=parent,
        child_org_id=child,
        relation=relation,
        share_percent=share,
        source="国家企业信用信息公示系统, 2026-03-01 查询",
    )


def test_the_operator_and_whoever_it_controls_or_is_controlled_by_are_affiliates(uow_factory, world, operator):
    platform = world.organisation("platform-co", kind="agent")
    parent = world.organisation("parent")
    child = world.organisation("child")
    sibling = world.organisation("sibling")
    stranger = world.organisation("stranger")
    record = do_record_platform_affiliate(
        uow=uow_factory(), actor=operator, org_id=platform.org_id, relation="operator", description="本平台运营机构"
    )
    _control(uow_factory, operator, parent.org_id, platform.org_id)
    _control(uow_factory, operator, platform.org_id, child.org_id, relation="management", share=None)
    _control(uow_factory, operator, parent.org_id, sibling.org_id)
    assert [_affiliate(uow_factory, p.org_id) for p in (platform, parent, child, sibling, stranger)] == [
        True,
        True,
        True,
        False,  # a sister company is not named by 20号令23 unless recorded as an affiliate
        False,
    ]
    do_record_platform_affiliate(
        uow=uow_factory(), actor=operator, org_id=sibling.org_id, relation="affiliate", description="同一集团"
    )
    assert _affiliate(uow_factory, sibling.org_id)
    do_remove_platform_affiliate(uow=uow_factory(), actor=operator, affiliate_id=record.id, reason="运营机构变更")
    assert not _affiliate(uow_factory, platform.org_id)
    assert not _affiliate(uow_factory, child.org_id)


def test_an_organisation_is_recorded_as_an_affiliate_once(uow_factory, world, operator):
    platform = world.organisation("platform-co")
    values = {"org_id": platform.org_id, "relation": "operator", "description": "运营机构"}
    do_record_platform_affiliate(uow=uow_factory(), actor=operator, **values)
    with pytest.raises(Conflict):
        do_record_platform_affiliate(uow=uow_factory(), actor=operator, **values)
    with pytest.raises(Forbidden):
        do_record_platform_affiliate(uow=uow_factory(), actor=platform.actor, **values)
    assert outcomes(uow_factory().engine, "credit.record_platform_affiliate") == [
        "ok",
        "refused:duplicate",
        "refused:role",
    ]


def test_same_legal_representative_by_normalised_name(uow_factory, world):
    a = world.organisation("a", legal_representative="王五")
    b = world.organisation("b", legal_representative="王 五")
    c = world.organisation("c", legal_representative="赵六")
    d = world.organisation("d", legal_representative="阿卜杜·热合曼")
    e = world.organisation("e", legal_representative="阿卜杜•热合曼")
    pairs = _pairs(uow_factory, a.org_id, b.org_id, c.org_id, d.org_id, e.org_id)
    assert pairs == sorted(
        [
            (*sorted((a.org_id, b.org_id)), "same_legal_representative"),
            (*sorted((d.org_id, e.org_id)), "same_legal_representative"),
        ]
    )
    assert _pairs(uow_factory, a.org_id) == []
    assert _pairs(uow_factory, a.org_id, c.org_id) == []


def test_identity_documents_tell_namesakes_apart_and_join_the_same_person(uow_factory, world, operator):
    a = world.organisation("a", legal_representative="王五")
    b = world.organisation("b", legal_representative="王五")
    c = world.organisation("c", legal_representative="ＷＡＮＧ Wu")
    for party, number in ((a, ID_A), (b, ID_B)):
        do_record_legal_representative(
            uow=uow_factory(), actor=operator, org_id=party.org_id, name="王五", id_type="resident_id", id_number=number
        )
    assert _pairs(uow_factory, a.org_id, b.org_id) == []  # two people called 王五
    recorded = do_record_legal_representative(
        uow=uow_factory(), actor=operator, org_id=c.org_id, name="wang wu", id_type="resident_id", id_number=ID_A
    )
    assert recorded.name == "ＷＡＮＧ Wu"
    assert _pairs(uow_factory, a.org_id, c.org_id) == [(*sorted((a.org_id, c.org_id)), "same_legal_representative")]
    assert mask_id_number(ID_A) == "110*************2X"


def test_a_legal_representative_must_match_the_registration_and_carry_a_valid_number(uow_factory, world, operator):
    a = world.organisation("a", legal_representative="王五")

    def record(name, number):
        return do_record_legal_representative(
            uow=uow_factory(), actor=operator, org_id=a.org_id, name=name, id_type="resident_id", id_number=number
        )

    with pytest.raises(ValidationFailed) as wrong_name:
        record("赵六", ID_A)
    assert wrong_name.value.field == "name"
    with pytest.raises(ValidationFailed) as wrong_check:
        record("王五", ID_A[:-1] + "3")
    assert (wrong_check.value.field, "GB 11643-1999" in wrong_check.value.message) == ("id_number", True)
    with pytest.raises(Forbidden):
        do_record_legal_representative(
            uow=uow_factory(), actor=a.actor, org_id=a.org_id, name="王五", id_type="resident_id", id_number=ID_A
        )


def test_control_relationships_in_force_pair_their_two_ends_only(uow_factory, world, operator):
    parent = world.organisation("parent", legal_representative="甲")
    child = world.organisation("child", legal_representative="乙")
    sibling = world.organisation("sibling", legal_representative="丙")
    link = _control(uow_factory, operator, parent.org_id, child.org_id, share="60.5")
    assert link.share_percent == Decimal("60.50")
    _control(uow_factory, operator, parent.org_id, sibling.org_id)
    everyone = (parent.org_id, child.org_id, sibling.org_id)
    assert _pairs(uow_factory, *everyone) == sorted(
        [
            (*sorted((parent.org_id, child.org_id)), "control_relationship"),
            (*sorted((parent.org_id, sibling.org_id)), "control_relationship"),
        ]
    )
    assert _pairs(uow_factory, child.org_id, sibling.org_id) == []  # sister companies: not a 条例34 pair
    do_end_control_relationship(uow=uow_factory(), actor=operator, relationship_id=link.id, reason="股权转让")
    assert _pairs(uow_factory, parent.org_id, child.org_id) == []


def test_both_reasons_are_reported_for_one_pair(uow_factory, world, operator):
    a = world.organisation("a", legal_representative="王五")
    b = world.organisation("b", legal_representative="王五")
    _control(uow_factory, operator, b.org_id, a.org_id)
    first, second = sorted((a.org_id, b.org_id))
    assert _pairs(uow_factory, a.org_id, b.org_id, a.org_id) == [
        (first, second, "control_relationship"),
        (first, second, "same_legal_representative"),
    ]


@pytest.mark.parametrize(
    ("share", "field"), [("0", "share_percent"), ("100.01", "share_percent"), ("5.555", "share_percent")]
)
def test_a_bad_control_relationship_is_refused(uow_factory, world, operator, share, field):
    a = world.organisation("a")
    b = world.organisation("b")
    with pytest.raises(ValidationFailed) as refused:
        _control(uow_factory, operator, a.org_id, b.org_id, share=share)
    assert refused.value.field == field


def test_a_relationship_needs_two_organisations_and_is_recorded_once(uow_factory, world, operator):
    a = world.organisation("a")
    b = world.organisation("b")
    with pytest.raises(ValidationFailed):
        _control(uow_factory, operator, a.org_id, a.org_id)
    _control(uow_factory, operator, a.org_id, b.org_id)
    with pytest.raises(Conflict):
        _control(uow_factory, operator, a.org_id, b.org_id)


def test_names_are_normalised_for_comparison():
    assert normalise_person_name(" 王\u3000五 ") == "王五"
    assert normalise_person_name("ＷＡＮＧ  Wu") == normalise_person_name("wang wu")
    assert normalise_person_name("阿卜杜・热合曼") == normalise_person_name("阿卜杜.热合曼") == "阿卜杜·热合曼"
