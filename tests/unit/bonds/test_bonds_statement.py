"""Reading a bank statement: UTF-8 (with or without BOM) or GB 18030, English or bank-Chinese headers in any order;
each unreadable row becomes a problem naming its row (the header is row 1) and column; an unreadable file is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaocai.bonds.statement import parse_statement
from zhaocai.core.errors import ValidationFailed

HEADER = "value_date,amount,payer_account_name,payer_account_number,payer_bank,bank_reference,remark"
ROW = "2026-03-05 10:30,200000.00,第一建筑工程有限公司,6222 0001 0000 1111,工商银行,TX1,ZC123"


def test_a_row_is_read_with_its_time_in_shanghai():
    parsed = parse_statement(f"{HEADER}\n{ROW}\n".encode())
    [row] = parsed.rows
    assert (row.row_number, row.value_date, row.amount, row.payer_account_number) == (
        2,
        date(2026, 3, 5),
        Decimal("200000.00"),
        "6222000100001111",
    )
    assert row.value_at is not None and row.value_at.utcoffset().total_seconds() == 8 * 3600
    assert (parsed.encoding, parsed.rows_total, parsed.problems) == ("utf-8", 1, ())


def test_the_same_transaction_hashes_the_same_wherever_it_stands():
    a = parse_statement(f"{HEADER}\n{ROW}\n".encode()).rows[0]
    b = parse_statement(f"\ufeff{HEADER}\r\n\r\n{ROW.replace('TX1', 'TX1')}\r\n".encode()).rows[0]
    assert a.content_hash == b.content_hash
    changed = parse_statement(f"{HEADER}\n{ROW.replace('200000.00', '200000.01')}\n".encode()).rows[0]
    assert changed.content_hash != a.content_hash


def test_gb18030_and_chinese_headers():
    header = "交易时间,金额,付款人户名,付款人账号,付款人开户行,流水号,附言,子账号"
    parsed = parse_statement(f"{header}\n{ROW},31000001\n".encode("gb18030"))
    assert parsed.encoding == "gb18030"
    assert parsed.rows[0].credited_account == "31000001"


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("2026-13-01,1.00,甲,62220001,行,TX2,", "value_date"),
        ("2026-03-05,1.001,甲,62220001,行,TX2,", "amount"),
        ("2026-03-05,0,甲,62220001,行,TX2,", "amount"),
        ("2026-03-05,NaN,甲,62220001,行,TX2,", "amount"),
        ("2026-03-05,1.00, ,62220001,行,TX2,", "payer_account_name"),
        ("2026-03-05,1.00,甲,62-2,行,TX2,", "payer_account_number"),
        ("2026-03-05,1.00,甲,62220001,,TX2,", "payer_bank"),
        ("2026-03-05,1.00,甲,62220001,行,TX 2,", "bank_reference"),
        ("2026-03-05,1.00,甲,62220001,行,TX2", "*"),
    ],
)
def test_an_unreadable_row_names_its_row_and_column_and_the_others_are_read(line, column):
    parsed = parse_statement(f"{HEADER}\n{ROW}\n{line}\n".encode())
    [problem] = parsed.problems
    assert (problem.row_number, problem.column) == (3, column)
    assert [row.bank_reference for row in parsed.rows] == ["TX1"]
    assert parsed.rows_total == 2
    assert str(problem).startswith(f"row 3, column {column}: ")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"", "file"),
        (HEADER.encode(), "file"),
        (b"value_date,amount\n2026-03-05,1.00\n", "payer_account_name"),
        (f"{HEADER},amount\n".encode(), "amount"),
        (b"\xff\xfe\x00\x00", "file"),
        (f"{HEADER}\n{ROW}\n\x00".encode(), "file"),
    ],
)
def test_an_unreadable_file_is_refused(data, field):
    with pytest.raises(ValidationFailed) as refused:
        parse_statement(data)
    assert refused.value.field == field
