"""Reading a bank statement of the platform's bond account (CSV, docs/bonds.md), pure: bytes in, rows and problems
out. A row that cannot be read becomes a problem naming its row (as a spreadsheet numbers it: the header is row 1)
and its column; the other rows are still read. A file that cannot be read at all is refused whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from zhaocai.bonds.model import normalise_account_number
from zhaocai.core.canonical import canonical_json
from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import DomainError, ValidationFailed

# Column -> the headers accepted for it (English, and the words Chinese banks' exports use).
COLUMNS: dict[str, tuple[str, ...]] = {
    "value_date": ("value_date", "交易日期", "交易时间", "起息日", "入账日期"),
    "amount": ("amount", "金额", "交易金额", "贷方金额", "收入金额"),
    "payer_account_name": ("payer_account_name", "付款人户名", "付款人名称", "对方户名"),
    "payer_account_number": ("payer_account_number", "付款人账号", "对方账号"),
    "payer_bank": ("payer_bank", "付款人开户行", "对方开户行", "付款行"),
    "bank_reference": ("bank_reference", "流水号", "交易流水号", "银行流水号"),
    "remark": ("remark", "附言", "摘要", "用途"),
    "credited_account": ("credited_account", "收款账号", "子账号", "虚拟账号"),
}
REQUIRED = ("value_date", "amount", "payer_account_name", "payer_account_number", "payer_bank", "bank_reference")
MAX_ROWS = 100_000
MAX_AMOUNT = Decimal("10000000000.00")
_BANK_REFERENCE = re.compile(r"[0-9A-Za-z\-_/]{1,64}")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y%m%d%H%M%S")


@dataclass(frozen=True)
class StatementRow:
    row_number: int
    bank_reference: str
    value_date: date
    value_at: datetime | None  # when the statement gives the time of day (Asia/Shanghai), as UTC-aware
    amount: Decimal
    payer_account_name: str
    payer_account_number: str
    payer_bank: str
    remark: str
    credited_account: str | None

    @property
    def content_hash(self) -> str:
        """What the row says, without where it stood: the same transaction in two statements hashes the same."""
        fields = {
            "bank_reference": self.bank_reference,
            "value_date": self.value_date.isoformat(),
            "value_at": self.value_at.isoformat() if self.value_at else None,
            "amount": str(self.amount),
            "payer_account_name": self.payer_account_name,
            "payer_account_number": self.payer_account_number,
            "payer_bank": self.payer_bank,
            "remark": self.remark,
            "credited_account": self.credited_account,
        }
        return hashlib.sha256(canonical_json(fields)).hexdigest()


@dataclass(frozen=True)
class Problem:
    row_number: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row_number}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class ParsedStatement:
    encoding: str
    rows: tuple[StatementRow, ...]
    problems: tuple[Problem, ...]
    rows_total: int  # data rows in the file, read or not


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without a byte-order mark), else GB 18030 (what Chinese banks' exports often are)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("the statement is neither UTF-8 nor GB 18030 text", field="file")


def parse_statement(data: bytes) -> ParsedStatement:
    text, encoding = decode(data)
    if "\x00" in text:
        raise ValidationFailed("the statement is not a CSV text file (it contains NUL bytes)", field="file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ValidationFailed("the statement is empty: it needs a header row", field="file")
        positions = _columns(header)
        rows: list[StatementRow] = []
        problems: list[Problem] = []
        total = 0
        for index, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue  # blank lines (a trailing newline, a spreadsheet's empty rows)
            total += 1
            if total > MAX_ROWS:
                raise ValidationFailed(f"the statement has more than {MAX_ROWS} rows: split it", field="file")
            _read_row(index, record, positions, len(header), rows, problems)
    except csv.Error as error:
        raise ValidationFailed(
            f"the statement is not valid CSV (line {reader.line_num}): {error}", field="file"
        ) from None
    if total == 0:
        raise ValidationFailed("the statement has a header but no rows", field="file")
    return ParsedStatement(encoding=encoding, rows=tuple(rows), problems=tuple(problems), rows_total=total)


def _columns(header: list[str]) -> dict[str, int]:
    names = [unicodedata.normalize("NFKC", cell).strip().lower() for cell in header]
    positions: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        found = [i for i, name in enumerate(names) if name in {alias.lower() for alias in aliases}]
        if len(found) > 1:
            raise ValidationFailed(f"the header names column {column} more than once", field=column)
        if found:
            positions[column] = found[0]
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        raise ValidationFailed(
            f"the header lacks the column {missing[0]} (required: {', '.join(REQUIRED)})", field=missing[0]
        )
    return positions


def _read_row(
    index: int,
    record: list[str],
    positions: dict[str, int],
    width: int,
    rows: list[StatementRow],
    problems: list[Problem],
) -> None:
    if len(record) != width:
        problems.append(Problem(index, "*", f"has {len(record)} fields where the header has {width}"))
        return

    def cell(column: str) -> str:
        return record[positions[column]].strip() if column in positions else ""

    before = len(problems)

    def read(column: str, parse):  # type: ignore[no-untyped-def]
        try:
            return parse(cell(column))
        except DomainError as error:
            problems.append(Problem(index, column, error.message))
            return None

    value_date, value_at = read("value_date", _moment) or (None, None)
    row = {
        "amount": read("amount", _amount),
        "payer_account_name": read("payer_account_name", _required_text("the payer's account name", 200)),
        "payer_account_number": read("payer_account_number", normalise_account_number),
        "payer_bank": read("payer_bank", _required_text("the payer's bank", 200)),
        "bank_reference": read("bank_reference", _bank_reference),
        "remark": read("remark", _optional_text(2000)),
        "credited_account": read("credited_account", _optional_text(40)),
    }
    if len(problems) > before:
        return
    row["remark"] = row["remark"] or ""
    rows.append(StatementRow(row_number=index, value_date=value_date, value_at=value_at, **row))  # type: ignore[arg-type]


def _moment(value: str) -> tuple[date, datetime | None]:
    for pattern in _TIME_FORMATS:
        try:
            moment = datetime.strptime(value, pattern).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
        return moment.date(), moment
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date(), None
        except ValueError:
            continue
    raise ValidationFailed("not a date: write YYYY-MM-DD, or YYYY-MM-DD HH:MM[:SS] Asia/Shanghai", field="value_date")


def _amount(value: str) -> Decimal:
    text = value.replace(",", "").replace("¥", "").replace("￥", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed("not an amount in yuan (e.g. 200000.00)", field="amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed("an amount has at most two decimal places", field="amount")
    if amount <= 0:
        raise ValidationFailed("only credits (amounts above 0) belong in a bond statement", field="amount")
    if amount > MAX_AMOUNT:
        raise ValidationFailed(f"the amount is above {MAX_AMOUNT} yuan", field="amount")
    return amount.quantize(Decimal("0.01"))


def _required_text(label: str, limit: int):  # type: ignore[no-untyped-def]
    def parse(value: str) -> str:
        text = " ".join(value.split())
        if not text:
            raise ValidationFailed(f"{label} is empty", field=label)
        if len(text) > limit:
            raise ValidationFailed(f"{label} is longer than {limit} characters", field=label)
        return text

    return parse


def _optional_text(limit: int):  # type: ignore[no-untyped-def]
    def parse(value: str) -> str | None:
        text = " ".join(value.split())
        if len(text) > limit:
            raise ValidationFailed(f"longer than {limit} characters", field="text")
        return text or None

    return parse


def _bank_reference(value: str) -> str:
    if not _BANK_REFERENCE.fullmatch(value):
        raise ValidationFailed("a bank reference (流水号) has 1 to 64 letters, digits or -_/", field="bank_reference")
    return value
