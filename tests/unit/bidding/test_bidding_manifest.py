"""The bid manifest (docs/bid-format.md): each rule refuses a manifest that breaks it, naming it."""

from __future__ import annotations

import pytest
from manifest_data import LEAD, consortium, whole
from pydantic import ValidationError

from zhaocai.bidding.manifest import SectionManifest
from zhaocai.core.errors import ValidationFailed


def _refused(value: dict, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SectionManifest.model_validate(value)
    assert fragment in str(caught.value), str(caught.value)


def test_a_whole_bid_manifest_round_trips_canonically() -> None:
    manifest = SectionManifest.model_validate(whole())
    encoded = manifest.encode()
    assert SectionManifest.decode(encoded) == manifest
    assert SectionManifest.decode(encoded).encode() == encoded
    assert b'"total":"1250.50"' in encoded  # amounts stay text, never floats
    assert manifest.bidder.credit_codes == (LEAD,)


def test_price_in_words_must_be_the_figures() -> None:
    _refused(whole(price={"total": "1250.50", "total_in_words": "壹仟贰佰伍拾元整"}), "differs from the figures")


def test_amounts_are_never_floats() -> None:
    _refused(whole(price={"total": 1250.5, "total_in_words": "壹仟贰佰伍拾元伍角"}), "never as a JSON float")


def test_a_bill_line_is_quantity_times_unit_price() -> None:
    value = whole()
    value["bill"][1]["total"] = "250.00"
    _refused(value, "33.4 × 7.50 = 250.50")


def test_the_bill_adds_up_to_the_total() -> None:
    value = whole()
    value["bill"].pop()
    _refused(value, "add up to 1000.00")


def test_price_goes_in_the_price_section_only() -> None:
    technical = whole(section="technical")
    _refused(technical, "go in the price section")
    technical.pop("price")
    technical.pop("bill")
    SectionManifest.model_validate(technical)


def test_the_price_section_carries_no_technical_fields() -> None:
    price = whole(section="price")
    _refused(price, "do not go in price")
    for name in ("duration_days", "quality", "project_manager", "declared"):
        price.pop(name)
    SectionManifest.model_validate(price)


def test_technical_sections_need_duration_quality_and_project_manager() -> None:
    value = whole()
    value.pop("project_manager")
    _refused(value, "needs project_manager")


def test_a_consortium_names_distinct_members_and_carries_its_agreement() -> None:
    files = [{"path": "联合体协议书.pdf", "size": 1, "hash": "ab" * 32}]
    manifest = SectionManifest.model_validate(whole(bidder=consortium(), files=files))
    assert len(manifest.bidder.credit_codes) == 2
    _refused(whole(bidder=consortium()), "not among the files")
    _refused(whole(bidder=consortium(members=[{"credit_code": LEAD, "name": "x"}]), files=files), "appears once")


def test_credit_codes_and_file_names_are_checked() -> None:
    _refused(
        whole(bidder={"kind": "organisation", "credit_code": "911101080000000000", "name": "x"}), "统一社会信用代码"
    )
    _refused(whole(files=[{"path": "../x.pdf", "size": 1, "hash": "ab" * 32}]), "'..'")


def test_missing_declarations_are_named() -> None:
    manifest = SectionManifest.model_validate(whole())
    assert manifest.missing_declarations(["safety_licence", "iso9001"]) == ["iso9001"]


def test_decode_refuses_junk_with_a_validation_error() -> None:
    with pytest.raises(ValidationFailed, match="not a valid bid manifest"):
        SectionManifest.decode(b'{"format": "other"}')
