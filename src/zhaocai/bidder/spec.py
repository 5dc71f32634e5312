"""What a bidder writes to describe its bid (`bid.json`), from which `pack` builds each section's manifest and
archive. Amounts are text; the total in words and each bill line's total may be left out (they are computed), and
are checked when given.

    {
      "tender_id": "...", "lot_id": "...",
      "bidder": {"kind": "organisation", "credit_code": "91110108...", "name": "某某建设有限公司"},
      "price": {"total": "9876543.21"},
      "bill": [{"item": "010101001 平整场地", "unit": "m2", "quantity": "1200", "unit_price": "4.50"}, ...],
      "duration_days": 365, "quality": "合格", "project_manager": {"name": "张三", "certificate_number": "京111..."},
      "declared": {"safety_licence": "(京)JZ安许证字[2020]000001"},
      "files": ["技术标/施工组织设计.pdf", ...],          # technical part (or the whole bid)
      "price_files": ["报价/已标价工程量清单.xlsx"]       # priced part; in a one-envelope bid, also in `whole`
    }
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhaocai.bidding.manifest import BidderParty, ProjectManager
from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import amount_in_words, parse_yuan, round_yuan


class PriceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    total: str
    total_in_words: str | None = None


class BillLineSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str
    unit: str
    quantity: str
    unit_price: str
    total: str | None = None


class BidSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tender_id: str | None = None
    lot_id: str | None = None
    bidder: BidderParty
    price: PriceSpec
    bill: list[BillLineSpec] = Field(default_factory=list)
    duration_days: int
    quality: str
    project_manager: ProjectManager
    declared: dict[str, str] = Field(default_factory=dict)
    files: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    price_files: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> BidSpec:
        try:
            return cls.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            raise ValidationFailed(f"{path}: {exc}", field="spec") from exc

    def price_json(self) -> dict[str, Any]:
        total = parse_yuan(self.price.total, field="price.total")
        return {"total": str(total), "total_in_words": self.price.total_in_words or amount_in_words(total)}

    def bill_json(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.bill:
            computed = round_yuan(_quantity(line.quantity) * parse_yuan(line.unit_price, field="bill.unit_price"))
            lines.append(line.model_dump() | {"total": line.total or str(computed)})
        return lines


def _quantity(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValidationFailed(f"bill quantity {text!r} is not a number", field="bill.quantity") from exc
