"""The bid manifest (docs/bid-format.md): `manifest.json` at the root of every sealed section's archive, so that
opening and evaluation can read a bid without guessing.

Every section carries the lot, the bidder (or consortium), its file list with hashes and the bid-file signals. The
priced part — total price in figures and in words, the priced bill — goes in `whole` or `price`; the rest (duration,
quality commitment, project manager, declared fields, the consortium agreement) in `whole` or `technical`. So a
two-envelope tender can open `technical` without learning the price.

Amounts are text (never floats) with two decimal places; the words must be the figures (人民币大写); each bill line's
total is its quantity × unit price rounded to 分, and the lines add up to the total price.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator, model_validator

from zhaocai.bidding.filenames import UnsafeFileName, check_file_name, check_unique
from zhaocai.core.canonical import canonical_json
from zhaocai.core.codes.credit_code import is_valid_credit_code
from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import amount_in_words, parse_amount_in_words, parse_yuan, round_yuan

MANIFEST_FORMAT = "zhaocai-bid-manifest"
MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"
FILES_PREFIX = "files/"
HASH_OF_SUITE = {"gm": "sm3", "std": "sha256"}
PRICED_SECTIONS = frozenset({"whole", "price"})
TECHNICAL_SECTIONS = frozenset({"whole", "technical"})
MAX_FILES = 2000
MAX_BILL_LINES = 20000
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _no_float(value: Any) -> Any:
    if isinstance(value, float | bool):
        raise ValueError('give numbers as text (e.g. "1234.50"), never as a JSON float')
    return value


def _yuan(value: Any) -> Decimal:
    try:
        return parse_yuan(_no_float(value), field="amount")
    except ValidationFailed as exc:
        raise ValueError(exc.message) from exc


def _quantity(value: Any) -> Decimal:
    value = _no_float(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a quantity") from exc
    if not number.is_finite() or number <= 0:
        raise ValueError(f"quantity {value} must be a positive number")
    if -number.as_tuple().exponent > 6:  # type: ignore[operator]
        raise ValueError(f"quantity {value} has more than 6 decimal places")
    return number


def _safe_name(value: str) -> str:
    try:
        return check_file_name(value)
    except UnsafeFileName as exc:
        raise ValueError(exc.message) from exc


def _text(value: Decimal) -> str:
    return format(value, "f")


def _credit_code(value: Any) -> str:
    code = str(value).strip().upper()
    if not is_valid_credit_code(code):
        raise ValueError(f"{code!r} is not a valid 统一社会信用代码 (GB 32100-2015)")
    return code


CreditCode = Annotated[str, BeforeValidator(_credit_code), Field(description="统一社会信用代码 (GB 32100-2015)")]
Yuan = Annotated[Decimal, BeforeValidator(_yuan), PlainSerializer(_text, return_type=str)]
Quantity = Annotated[Decimal, BeforeValidator(_quantity), PlainSerializer(_text, return_type=str)]
Text = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(isinstance(v, str) and "\x00" in v for v in data.values()):
            raise ValueError("text must not contain NUL characters")
        return data


class Party(_Model):
    credit_code: CreditCode
    name: Text


class OrganisationBidder(_Model):
    kind: Literal["organisation"] = "organisation"
    credit_code: CreditCode
    name: Text

    @property
    def credit_codes(self) -> tuple[str, ...]:
        return (self.credit_code,)


class ConsortiumBidder(_Model):
    """联合体 (招标投标法31): a lead member that submits, the other members, and their agreement (a file)."""

    kind: Literal["consortium"] = "consortium"
    lead: Party
    members: tuple[Party, ...] = Field(..., min_length=1, max_length=32)
    agreement_file: str = Field(..., description="the consortium agreement (联合体协议书), a path in `files`")

    @model_validator(mode="after")
    def _distinct(self) -> ConsortiumBidder:
        codes = [self.lead.credit_code, *(member.credit_code for member in self.members)]
        if len(set(codes)) != len(codes):
            raise ValueError("each consortium member appears once, and the lead is not repeated among the members")
        _safe_name(self.agreement_file)
        return self

    @property
    def credit_codes(self) -> tuple[str, ...]:
        return (self.lead.credit_code, *(member.credit_code for member in self.members))


BidderParty = Annotated[OrganisationBidder | ConsortiumBidder, Field(discriminator="kind")]


class Price(_Model):
    total: Yuan = Field(..., description="投标总价 in yuan, two decimal places")
    total_in_words: Text = Field(..., description="the same amount in 人民币大写")
    currency: Literal["CNY"] = "CNY"

    @model_validator(mode="after")
    def _words_match(self) -> Price:
        if self.total <= 0:
            raise ValueError(f"the total price {self.total} must be positive")
        try:
            words = parse_amount_in_words(self.total_in_words, field="price.total_in_words")
        except ValidationFailed as exc:
            raise ValueError(exc.message) from exc
        if words != self.total:
            raise ValueError(
                f"the total in words ({self.total_in_words}, {words}) differs from the figures ({self.total}); "
                f"the figures in words are {amount_in_words(self.total)}"
            )
        return self


class BillLine(_Model):
    item: Text = Field(..., description="item code and name (清单项目)")
    unit: Annotated[str, Field(min_length=1, max_length=20)]
    quantity: Quantity
    unit_price: Yuan
    total: Yuan

    @model_validator(mode="after")
    def _line_adds_up(self) -> BillLine:
        expected = round_yuan(self.quantity * self.unit_price)
        if self.total != expected:
            raise ValueError(
                f"bill line {self.item!r}: {self.quantity} × {self.unit_price} = {expected}, not {self.total}"
            )
        return self


class ProjectManager(_Model):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    certificate_number: Annotated[str, Field(min_length=1, max_length=64, description="注册建造师等证书编号")]


class FileEntry(_Model):
    path: str = Field(..., description="relative path inside the archive's files/ folder")
    size: int = Field(..., ge=0)
    hash: str = Field(..., description="hex digest with the manifest's hash_algorithm")

    @field_validator("path")
    @classmethod
    def _safe(cls, value: str) -> str:
        return _safe_name(value)

    @field_validator("hash")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX64.fullmatch(value):
            raise ValueError("a file hash is 64 lowercase hex characters")
        return value


class Signals(_Model):
    """Bid-file signals (投标文件特征): evaluation compares them across bidders (条例40: bids made by one hand)."""

    machine_hash: str = Field(..., description="hash of the preparing machine's identifiers (hardware, host)")
    tool_id: Annotated[str, Field(min_length=1, max_length=100, description="the creation tool and its version")]

    @field_validator("machine_hash")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX64.fullmatch(value):
            raise ValueError("machine_hash is 64 lowercase hex characters")
        return value


class SectionManifest(_Model):
    format: Literal["zhaocai-bid-manifest"] = MANIFEST_FORMAT
    version: Literal[1] = MANIFEST_VERSION
    section: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
    tender_id: Annotated[str, Field(min_length=1, max_length=128)]
    lot_id: Annotated[str, Field(min_length=1, max_length=128)]
    bidder: BidderParty
    hash_algorithm: Literal["sm3", "sha256"]
    price: Price | None = None
    bill: tuple[BillLine, ...] = Field(default=(), max_length=MAX_BILL_LINES)
    duration_days: int | None = Field(None, ge=1, le=36500, description="工期 in calendar days")
    quality: LongText | None = Field(None, description="质量承诺")
    project_manager: ProjectManager | None = None
    declared: dict[Annotated[str, Field(min_length=1, max_length=64)], LongText] = Field(
        default_factory=dict, description="the fields the tender documents ask bidders to declare"
    )
    files: tuple[FileEntry, ...] = Field(default=(), max_length=MAX_FILES)
    signals: Signals

    @model_validator(mode="after")
    def _section_content(self) -> SectionManifest:
        priced = self.section in PRICED_SECTIONS
        technical = self.section in TECHNICAL_SECTIONS
        if priced and self.price is None:
            raise ValueError(f"the {self.section} section carries the total price")
        if not priced and (self.price is not None or self.bill):
            raise ValueError(f"the price and the priced bill go in the price section, not in {self.section}")
        if self.bill and self.price is not None:
            subtotal = sum((line.total for line in self.bill), Decimal("0.00"))
            if subtotal != self.price.total:
                raise ValueError(f"the bill lines add up to {subtotal}, not to the total price {self.price.total}")
        technical_fields = {
            "duration_days": self.duration_days,
            "quality": self.quality,
            "project_manager": self.project_manager,
        }
        if technical:
            missing = [name for name, value in technical_fields.items() if value is None]
            if missing:
                raise ValueError(f"the {self.section} section needs {', '.join(missing)}")
        elif any(value is not None for value in technical_fields.values()) or self.declared:
            raise ValueError(f"duration, quality, project manager and declared fields do not go in {self.section}")
        try:
            check_unique([entry.path for entry in self.files])
        except UnsafeFileName as exc:
            raise ValueError(exc.message) from exc
        listed = {entry.path for entry in self.files}
        if isinstance(self.bidder, ConsortiumBidder) and technical and self.bidder.agreement_file not in listed:
            raise ValueError(f"the consortium agreement {self.bidder.agreement_file!r} is not among the files")
        return self

    def missing_declarations(self, required: list[str] | tuple[str, ...]) -> list[str]:
        """The fields the tender documents ask for that this (technical or whole) section does not declare."""
        return [name for name in required if name not in self.declared]

    def encode(self) -> bytes:
        return canonical_json(self.model_dump(mode="json"))

    @classmethod
    def decode(cls, data: bytes) -> SectionManifest:
        try:
            return cls.model_validate_json(data)
        except ValueError as exc:
            raise ValidationFailed(f"{MANIFEST_NAME} is not a valid bid manifest: {exc}", field="manifest") from exc


def manifest_error(exc: ValueError) -> ValidationFailed:
    return ValidationFailed(f"the bid does not follow docs/bid-format.md: {exc}", field="manifest")
