"""GB/T 2260 region codes: structure, bundled names, former codes."""

from __future__ import annotations

import pytest

from zhaocai.core.codes.regions import (
    RegionLevel,
    _table,
    province_exists,
    region_level,
    region_name,
    validate_region_code,
)
from zhaocai.core.errors import ValidationFailed

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip


def test_the_34_province_level_units() -> None:
    provinces = {code[:2]: entry.name for code, entry in _table().items() if code.endswith("0000")}
    assert provinces == PROVINCES


def test_table_shape() -> None:
    table = _table()
    assert all(len(code) == 6 and code.isdigit() for code in table)
    current = [code for code, entry in table.items() if entry.last_listed is None]
    assert 3000 < len(current) < 3400
    # Every listed prefecture or county belongs to a listed province.
    assert all(f"{code[:2]}0000" in table for code in table)


def test_province() -> None:
    region = validate_region_code("350000")
    assert (region.level, region.name, region.province_name) == (RegionLevel.PROVINCE, "福建省", "福建省")
    assert region.prefecture_code is None and region.current


def test_prefecture() -> None:
    region = validate_region_code("350100")
    assert (region.level, region.name, region.province_code) == (RegionLevel.PREFECTURE, "福州市", "350000")
    assert (region.prefecture_code, region.prefecture_name) == ("350100", "福州市")


def test_county() -> None:
    region = validate_region_code("141124")
    assert (region.level, region.name, region.prefecture_name, region.province_name) == (
        RegionLevel.COUNTY,
        "临县",
        "吕梁市",
        "山西省",
    )


@pytest.mark.parametrize(("code", "name"), [("110105", "朝阳区"), ("429004", "仙桃市"), ("659012", "白杨市")])
def test_county_without_a_listed_prefecture(code: str, name: str) -> None:
    region = validate_region_code(code)
    assert region.name == name and region.level is RegionLevel.COUNTY and region.prefecture_name is None


def test_former_codes_are_kept_for_old_identifiers() -> None:
    region = validate_region_code("371200")
    assert (region.name, region.current, region.last_listed) == ("莱芜市", False, "2019-04")
    assert validate_region_code("540481").name == "米林市"
    assert validate_region_code("540422").last_listed is not None
    with pytest.raises(ValidationFailed, match=r"371200 \(莱芜市\) is no longer in force"):
        validate_region_code("371200", allow_former=False)


def test_region_name() -> None:
    assert region_name("440300") == "深圳市"
    assert region_name("330283") == "奉化市"  # abolished in 2016 (now 330213 奉化区): former codes keep their name
    assert region_name("330213") == "奉化区"
    assert region_name("999999") is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("35010", "must be 6 digits"),
        ("3501000", "must be 6 digits"),
        ("35O100", "must be 6 digits"),
        ("３５０１００", "must be 6 digits"),  # full-width digits are not ASCII
        ("990000", "no province-level unit has code 990000"),
        ("350001", "a county code cannot have prefecture digits 00"),
        ("350199", "is not a listed division of 福建省"),
        ("130171", "is not a listed division"),  # a development zone: statistical code, not GB/T 2260
        ("110100", "is not a listed division"),  # 市辖区 grouping, not a division
    ],
)
def test_refusals(code: str, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_region_code(code)
    assert says in refused.value.message
    assert (refused.value.field, refused.value.citation) == ("region_code", "GB/T 2260")


def test_structure_helpers() -> None:
    assert province_exists("359999") and not province_exists("999999") and not province_exists("35")
    assert [region_level(code) for code in ("350000", "350100", "350102")] == list(RegionLevel)
