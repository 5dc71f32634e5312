"""统一社会信用代码 (unified social credit identifier), GB 32100-2015.

Eighteen characters from 0-9 and A-Z without I, O, S, V, Z:
  1     registration-authority code (登记管理部门代码)
  2     organisation-type code (机构类别代码), valid only in the pairs of the assignment table below
  3-8   the registration authority's GB/T 2260 region code (100000 for central-level authorities)
  9-17  the organisation code (组织机构代码, GB 11714), whose own check digit is position 17
  18    the check character over positions 1-17 (GB/T 17710 style, modulus 31)
"""

from __future__ import annotations

from dataclasses import dataclass

from zhaocai.core.codes.regions import province_exists, region_name
from zhaocai.core.errors import ValidationFailed

CITATION = "GB 32100-2015 法人和其他组织统一社会信用代码编码规则"
ORGANIZATION_CODE_CITATION = "GB 11714-1997 全国组织机构代码编制规则"
FIELD = "credit_code"

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
# Weight of position i (1-based) is 3^(i-1) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

ORGANIZATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Central-level registration authorities write 100000 where the region code goes.
CENTRAL_REGION = "100000"

# Registration authority -> (name, {organisation type -> name}), as assigned under GB 32100-2015 (the standard
# leaves the values to the code-assignment authority; this is the published assignment, N and A included).
REGISTRATION_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}


@dataclass(frozen=True)
class CreditCode:
    code: str
    authority: str
    authority_name: str
    org_type: str
    org_type_name: str
    region_code: str
    region_name: str | None  # None when the code is not in the bundled GB/T 2260 table
    organization_code: str
    check_character: str

    def __str__(self) -> str:
        return self.code


def _refuse(message: str, citation: str = CITATION) -> ValidationFailed:
    return ValidationFailed(message, field=FIELD, citation=citation)


def check_character(first17: str) -> str:
    """Position 18 for the given positions 1-17 (which must be in ALPHABET)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _organization_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organization_check_digit(body: str) -> str:
    """GB 11714 check digit for an 8-character organisation-code body: 11 - (weighted sum mod 11); 10 -> X, 11 -> 0."""
    if len(body) != 8 or not all(char.isascii() and char.isalnum() and not char.islower() for char in body):
        raise _refuse(
            f"组织机构代码 body must be 8 characters 0-9 or A-Z, got {body!r}", citation=ORGANIZATION_CODE_CITATION
        )
    total = sum(_organization_value(char) * weight for char, weight in zip(body, ORGANIZATION_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _check_form(value: str, length: int) -> None:
    if len(value) != length:
        raise _refuse(f"统一社会信用代码 must be {length} characters, got {len(value)}")
    for position, char in enumerate(value, start=1):
        if char not in _VALUE:
            raise _refuse(
                f"character {char!r} is not allowed at position {position} "
                "(only 0-9 and A-Z without I, O, S, V, Z are used)"
            )


def _check_fields(first17: str) -> None:
    authority, org_type = first17[0], first17[1]
    if authority not in REGISTRATION_AUTHORITIES:
        raise _refuse(f"position 1: {authority!r} is not an assigned registration-authority code")
    authority_name, types = REGISTRATION_AUTHORITIES[authority]
    if org_type not in types:
        raise _refuse(
            f"position 2: organisation type {org_type!r} is not assigned under registration authority "
            f"{authority} ({authority_name}); allowed: {', '.join(types)}"
        )
    region = first17[2:8]
    if not region.isdigit():
        raise _refuse(f"positions 3-8 must be a 6-digit GB/T 2260 region code, got {region!r}")
    if region != CENTRAL_REGION and not province_exists(region):
        raise _refuse(f"positions 3-8: {region} does not start with a GB/T 2260 province code")
    expected = organization_check_digit(first17[8:16])
    if first17[16] != expected:
        raise _refuse(
            f"position 17 (组织机构代码 check digit): expected {expected}, got {first17[16]}",
            citation=ORGANIZATION_CODE_CITATION,
        )


def _normalise(code: object) -> str:
    if not isinstance(code, str):
        raise _refuse(f"统一社会信用代码 must be text, got {type(code).__name__}")
    return code.strip().upper()


def validate_credit_code(code: str) -> CreditCode:
    """Parse and check a credit code (surrounding spaces and lower case are tolerated); refuse naming the rule.

    The region code is checked for its province only: the bundled table can lag behind new divisions, and a
    credit code keeps the region it was issued under for life.
    """
    code = _normalise(code)
    _check_form(code, 18)
    _check_fields(code[:17])
    expected = check_character(code[:17])
    if code[17] != expected:
        raise _refuse(f"position 18 (check character): expected {expected}, got {code[17]}")
    authority_name, types = REGISTRATION_AUTHORITIES[code[0]]
    region = code[2:8]
    return CreditCode(
        code=code,
        authority=code[0],
        authority_name=authority_name,
        org_type=code[1],
        org_type_name=types[code[1]],
        region_code=region,
        region_name="中央" if region == CENTRAL_REGION else region_name(region),
        organization_code=code[8:17],
        check_character=code[17],
    )


def is_valid_credit_code(code: str) -> bool:
    try:
        validate_credit_code(code)
    except ValidationFailed:
        return False
    return True


def make_credit_code(first17: str) -> str:
    """Append the check character to positions 1-17, after checking them by the same rules as validation."""
    first17 = _normalise(first17)
    _check_form(first17, 17)
    _check_fields(first17)
    return first17 + check_character(first17)
