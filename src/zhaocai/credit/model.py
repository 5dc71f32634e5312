"""Credit records, pure: kinds of restriction, relationships between organisations, legal representatives' names
and identity documents. No I/O, no clock: times and days are passed in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from zhaocai.core.errors import ValidationFailed

SAME_LEGAL_REPRESENTATIVE = "same_legal_representative"  # 条例34: 单位负责人为同一人
CONTROL_RELATIONSHIP = "control_relationship"  # 条例34: 存在控股、管理关系
RELATED_BIDDERS = "条例34"
PLATFORM_AFFILIATES = "20号令23"


class RestrictionKind(StrEnum):
    DEBARMENT = "debarment"  # 取消投标资格 by the supervising department (条例67, 68)
    CREDIT_RESTRICTION = "credit_restriction"  # 信用惩戒: a restriction on bidding imposed on a credit record
    COURT_DEFAULTER = "court_defaulter"  # 失信被执行人 (法〔2016〕285号)


class AffiliateRelation(StrEnum):
    OPERATOR = "operator"  # 交易平台的运营机构
    AFFILIATE = "affiliate"  # a unit with a holding or management relationship to the operator (20号令23)


class ControlRelation(StrEnum):
    HOLDING = "holding"  # 控股
    MANAGEMENT = "management"  # 管理关系


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证 (GB 11643-1999)
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证


@dataclass(frozen=True)
class Restriction:
    """A record that keeps a subject from bidding on this platform while it is in force."""

    id: str
    org_id: str
    kind: RestrictionKind
    reason: str
    basis: str  # the legal basis, as a citation (条例67, 法〔2016〕285号, ...)
    from_day: date
    until: date | None  # last day in force (Asia/Shanghai), None = until lifted
    decision_ref: str | None = None


@dataclass(frozen=True)
class RestrictionDraft:
    org_id: str
    kind: RestrictionKind
    reason: str
    basis: str
    from_day: date
    until: date | None
    decision_ref: str | None = None


def clean_text(value: str, *, field: str, max_length: int, label: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationFailed(f"{label} is required", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label} is at most {max_length} characters", field=field)
    return text


def validate_restriction(draft: RestrictionDraft) -> RestrictionDraft:
    """A restriction names its reason and its legal basis, and its period runs forward."""
    if draft.until is not None and draft.until < draft.from_day:
        raise ValidationFailed(
            f"a restriction cannot end ({draft.until}) before it starts ({draft.from_day})", field="until"
        )
    return RestrictionDraft(
        org_id=draft.org_id,
        kind=RestrictionKind(draft.kind),
        reason=clean_text(draft.reason, field="reason", max_length=2000, label="the reason"),
        basis=clean_text(draft.basis, field="basis", max_length=200, label="the legal basis (e.g. 条例67)"),
        from_day=draft.from_day,
        until=draft.until,
        decision_ref=(
            clean_text(draft.decision_ref, field="decision_ref", max_length=200, label="the decision reference")
            if draft.decision_ref
            else None
        ),
    )


def in_force_on(restriction: Restriction, day: date) -> bool:
    return restriction.from_day <= day and (restriction.until is None or day <= restriction.until)


def most_binding(restrictions: list[Restriction]) -> Restriction | None:
    """Of several records in force, the one that lasts longest (an open-ended one first), then the earliest made."""
    if not restrictions:
        return None
    return min(restrictions, key=lambda r: (r.until is not None, -(r.until or date.min).toordinal(), r.id))


def parse_share_percent(value: Decimal | str | int | None) -> Decimal | None:
    """A shareholding in percent, 0 < share <= 100, two places at most."""
    if value is None:
        return None
    try:
        share = Decimal(str(value).strip().removesuffix("%"))
    except InvalidOperation:
        raise ValidationFailed(f"share_percent: {value!r} is not a percentage", field="share_percent") from None
    if not share.is_finite() or share <= 0 or share > 100:
        raise ValidationFailed("share_percent must be more than 0 and at most 100", field="share_percent")
    if share != share.quantize(Decimal("0.01")):
        raise ValidationFailed("share_percent has at most two decimal places", field="share_percent")
    return share.quantize(Decimal("0.01"))


# --- legal representatives ---------------------------------------------------------------------------------------

_MIDDLE_DOTS = re.compile(r"[·•‧・･.]")
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalise_person_name(name: str) -> str:
    """A person's name as compared: full-width folded (NFKC), no spaces, one kind of middle dot (阿卜杜·热合曼),
    case-insensitive for names in Latin letters."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(text.split())
    return _MIDDLE_DOTS.sub("·", text).casefold()


def resident_id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def clean_id_number(id_type: IdType, value: str) -> str:
    """The document number, upper-cased without spaces; a 居民身份证 number must carry its check character
    (GB 11643-1999)."""
    number = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if id_type is IdType.RESIDENT_ID:
        if not _RESIDENT_ID.fullmatch(number):
            raise ValidationFailed("a 居民身份证 number has 17 digits and a check character", field="id_number")
        if resident_id_check_character(number[:17]) != number[17]:
            raise ValidationFailed(
                "the 居民身份证 number's check character is wrong (GB 11643-1999)", field="id_number"
            )
        return number
    if not _DOCUMENT_NUMBER.fullmatch(number):
        raise ValidationFailed("a document number has 5 to 20 letters and digits", field="id_number")
    return number


def mask_id_number(number: str) -> str:
    """Shown masked everywhere: the first 3 and last 2 characters stay, enough to recognise one's own document."""
    keep = 3 if len(number) > 8 else 1
    return number[:keep] + "*" * (len(number) - keep - 2) + number[-2:]


@dataclass(frozen=True)
class Representative:
    """What `related_pairs` knows of one organisation's legal representative."""

    org_id: str
    name: str  # the registration's legal_representative
    document: tuple[str, str] | None  # (id_type, id_number) when recorded


def same_person(a: Representative, b: Representative) -> bool:
    """Two identity documents decide; without both, equal normalised names are taken as the same person (and a
    false match is cured by recording the documents, which then tell the two apart)."""
    if a.document is not None and b.document is not None:
        return a.document == b.document
    return normalise_person_name(a.name) == normalise_person_name(b.name) != ""
