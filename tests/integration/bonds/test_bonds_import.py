"""Importing a bank statement of the bond account: each credit is matched to (lot, bidder) by the reference code the
bidder was given (or, without a code, by its basic account and the one bond of that amount it can only be for), and
decided: accepted, refused (条例26: not from the basic account), late, or unmatched. The file is kept as a blob;
importing it again, or an overlapping one, changes nothing twice; unreadable rows are kept naming row and column."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from bonds_world import BOND, HEADER, csv_bytes

from zhaocai.bonds.model import Coverage
from zhaocai.bonds.queries import shared_payer_accounts
from zhaocai.core.errors import Forbidden, ValidationFailed


def test_a_transfer_naming_its_code_is_matched_and_accepted(world):
    acme = world.bidder(1)
    code = world.code(acme)
    assert code == world.code(acme)  # asking again gives the same code
    spaced = f"投标保证金 {code[:6]}-{code[6:10]} {code[10:]}"
    result = world.import_rows([world.row(acme, spaced)])
    assert (result.statement.rows_total, result.statement.rows_new, result.problems) == (1, 1, ())
    status = world.status(acme)
    assert (status.coverage, status.received, status.shortfall, status.excess) == (
        Coverage.COVERED,
        BOND,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    [payment] = status.payments
    assert (payment.status, payment.matched_by, payment.payer_account_number) == ("accepted", "reference", acme.account)
    assert status.reference_code == code
    assert any("accepted as your bid bond" in body for _, body in world.inbox(acme.actor))
    assert world.status(acme, world.tender.lot_ids[1]).coverage is Coverage.UNPAID  # the other lot is not paid


def test_without_a_code_the_basic_account_and_the_one_expected_amount_match(world):
    acme = world.bidder(1)
    world.code(acme)
    world.import_rows([world.row(acme, "投标保证金")])
    [payment] = world.status(acme).payments
    assert (payment.status, payment.matched_by) == ("accepted", "account_and_amount")
    # The next one can only be for the other lot, once acme asked for its code.
    world.code(acme, world.tender.lot_ids[1])
    world.import_rows([world.row(acme, "保证金")])
    [other] = world.status(acme, world.tender.lot_ids[1]).payments
    assert other.matched_by == "account_and_amount"


def test_without_a_code_two_bonds_it_could_be_for_leave_it_unmatched(world):
    acme = world.bidder(1)
    world.code(acme)
    world.code(acme, world.tender.lot_ids[1])
    world.import_rows([world.row(acme, "保证金"), world.row(acme, "保证金", "1.00")])
    assert world.status(acme).payments == () and world.status(acme, world.tender.lot_ids[1]).payments == ()
    from zhaocai.bonds.views import unresolved_view

    with world.container.engine.connect() as conn:
        rows = unresolved_view(conn, world.operator, world.container.clock.now())
    assert [(row.status, row.reason_code) for row in rows] == [("unmatched", "no_reference")] * 2


def test_an_amount_short_of_the_bond_is_partial_until_topped_up_and_an_excess_is_shown(world):
    acme, bolt = world.bidder(1), world.bidder(2)
    acme_code, bolt_code = world.code(acme), world.code(bolt)
    world.import_rows([world.row(acme, acme_code, "150000.00"), world.row(bolt, bolt_code, "250,000.00")])
    short = world.status(acme)
    assert (short.coverage, short.received, short.shortfall) == (
        Coverage.PARTIAL,
        Decimal("150000.00"),
        Decimal("50000.00"),
    )
    world.import_rows([world.row(acme, acme_code, "50000")])
    topped = world.status(acme)
    assert (topped.coverage, topped.received, topped.shortfall) == (Coverage.COVERED, BOND, Decimal("0.00"))
    over = world.status(bolt)
    assert (over.coverage, over.excess) == (Coverage.COVERED, Decimal("50000.00"))


def test_cash_not_from_the_basic_account_is_refused_citing_article_26(world):
    acme = world.bidder(1)
    code = world.code(acme)
    world.import_rows([world.row(acme, code, account="6222999900001111")])
    status = world.status(acme)
    [payment] = status.payments
    assert status.coverage is Coverage.UNPAID
    assert (payment.status, payment.reason_code, payment.citation) == ("refused", "not_basic_account", "条例26")
    assert "基本账户" in payment.reason
    assert any("条例26" in body for _, body in world.inbox(acme.actor))


def test_a_bidder_without_a_registered_basic_account_is_refused_until_it_registers_one(world):
    from zhaocai.bonds.service import do_register_basic_account

    acme = world.bidder(1, register_account=False)
    code = world.code(acme)
    world.import_rows([world.row(acme, code)])
    [payment] = world.status(acme).payments
    assert (payment.status, payment.reason_code, payment.citation) == ("refused", "basic_account_unknown", "条例26")
    with pytest.raises(ValidationFailed) as wrong_name:
        do_register_basic_account(
            uow=world.uow(),
            actor=acme.actor,
            org_id=acme.org_id,
            account_number=acme.account,
            account_name="别人的公司",
            bank_name="某银行",
        )
    assert wrong_name.value.field == "account_name"
    do_register_basic_account(
        uow=world.uow(),
        actor=acme.actor,
        org_id=acme.org_id,
        account_number=acme.account,
        account_name=acme.name,
        bank_name="中国工商银行",
    )
    [payment] = world.status(acme).payments
    assert payment.status == "accepted"
    assert world.status(acme).coverage is Coverage.COVERED


def test_a_transfer_after_the_deadline_is_late(world):
    acme = world.bidder(1)
    code = world.code(acme)
    deadline = world.tender.bid_deadline.astimezone(ZoneInfo("Asia/Shanghai"))
    after = f"{deadline:%Y-%m-%d %H:%M:%S}"
    before = f"{deadline - timedelta(seconds=1):%Y-%m-%d %H:%M:%S}"
    world.import_rows([world.row(acme, code, value_date=after), world.row(acme, code, "1.00", value_date=before)])
    by_amount = {p.amount: p.status for p in world.status(acme).payments}
    assert by_amount == {BOND: "late", Decimal("1.00"): "accepted"}


def test_unknown_or_several_codes_stay_unmatched(world):
    acme, bolt = world.bidder(1), world.bidder(2)
    acme_code, bolt_code = world.code(acme), world.code(bolt)
    forged = acme_code[:-2] + ("00" if acme_code[-2:] != "00" else "01")  # fails the check digits: no code at all
    unknown = "ZC000000000097"  # well-formed, never issued
    world.import_rows(
        [
            world.row(acme, f"{acme_code} {bolt_code}"),
            world.row(acme, unknown, "1.00"),
            world.row(acme, forged, "2.00"),
        ]
    )
    assert world.status(acme).payments == () and world.status(bolt).payments == ()


def test_reimporting_is_idempotent_and_a_changed_row_is_a_problem(world, container):
    acme = world.bidder(1)
    code = world.code(acme)
    first_row, second_row = world.row(acme, code, "100000.00"), world.row(acme, code, "100000.00")
    data = csv_bytes([first_row])
    first = world.import_bytes(data)
    again = world.import_bytes(data)
    assert again.already_imported and again.statement.id == first.statement.id
    overlapping = world.import_rows([first_row, second_row])
    assert (overlapping.statement.rows_new, overlapping.statement.rows_known) == (1, 1)
    changed = [*first_row[:1], "99999.00", *first_row[2:]]
    conflicting = world.import_rows([changed])
    [problem] = conflicting.problems
    assert (problem.row_number, problem.column) == (2, "bank_reference")
    assert "different content" in problem.message
    status = world.status(acme)
    assert (len(status.payments), status.received) == (2, BOND)
    assert container.blobs.exists(hashlib.sha256(data).hexdigest())
    assert world.outcomes("bonds.import_statement") == ["ok"] * 4


def test_malformed_rows_are_kept_as_problems_naming_row_and_column_and_the_rest_is_imported(world):
    acme = world.bidder(1)
    code = world.code(acme)
    good = world.row(acme, code)
    rows = [
        good,
        [*good[:1], "12,3x", *good[2:5], "TXBAD1", code],
        ["2026-02-30", *good[1:5], "TXBAD2", code],
        [*good[:3], "", *good[4:5], "TXBAD3", code],
        [*good[:1], "-5.00", *good[2:5], "TXBAD4", code],
        good[:4],
    ]
    result = world.import_rows(rows)
    problems = {(p.row_number, p.column) for p in result.problems}
    assert problems == {(3, "amount"), (4, "value_date"), (5, "payer_account_number"), (6, "amount"), (7, "*")}
    assert (result.statement.rows_total, result.statement.rows_new) == (6, 1)
    assert world.status(acme).coverage is Coverage.COVERED
    # The problems stay with the statement: reading it later shows them again.
    from zhaocai.bonds.views import statement_view

    with world.container.engine.connect() as conn:
        kept = statement_view(conn, world.operator, result.statement.id, world.container.clock.now())
    assert {(p.row_number, p.column) for p in kept.problems} == problems


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (csv_bytes([["2026-03-05", "1.00"]], header=["value_date", "amount"]), "payer_account_name"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file"),
        (b"", "file"),
        (csv_bytes([]), "file"),
        (csv_bytes([]) + b'2026-03-05,"unterminated', "file"),
    ],
)
def test_an_unreadable_file_is_refused_whole_and_audited(world, data, field):
    world.bidder(1)
    with pytest.raises(ValidationFailed) as refused:
        world.import_bytes(data)
    assert refused.value.field == field
    assert world.outcomes("bonds.import_statement") == ["refused:invalid"]


def test_chinese_headers_and_gb18030_as_banks_export_them(world):
    acme = world.bidder(1)
    code = world.code(acme)
    header = ["交易时间", "贷方金额", "对方户名", "对方账号", "对方开户行", "流水号", "附言"]
    result = world.import_bytes(csv_bytes([world.row(acme, f"投标保证金{code}")], header=header, encoding="gb18030"))
    assert result.statement.encoding == "gb18030"
    assert world.status(acme).coverage is Coverage.COVERED


def test_only_the_platform_operator_imports(world):
    acme = world.bidder(1)
    from zhaocai.bonds.service import do_import_bond_statement, store_statement

    data = csv_bytes([world.row(acme, "x")])
    with pytest.raises(Forbidden):
        do_import_bond_statement(
            uow=world.uow(), actor=acme.actor, blob=store_statement(world.container.blobs, data), data=data
        )
    assert world.outcomes("bonds.import_statement") == ["refused:role"]


def test_bonds_paid_from_one_account_for_two_bidders_are_found(world):
    acme, bolt, third = world.bidder(1), world.bidder(2), world.bidder(3)
    world.import_rows(
        [
            world.row(acme, world.code(acme)),
            world.row(bolt, world.code(bolt), account=acme.account),  # refused (条例26), but the signal stays
            world.row(third, world.code(third)),
        ]
    )
    with world.container.engine.connect() as conn:
        [shared] = shared_payer_accounts(conn, world.tender.lot_ids)
    assert shared.account_number == acme.account
    assert set(shared.bidder_org_ids) == {acme.org_id, bolt.org_id}


def test_the_header_may_be_any_order_and_blank_lines_are_skipped(world):
    acme = world.bidder(1)
    row = dict(zip(HEADER, world.row(acme, world.code(acme)), strict=True))
    order = list(reversed(HEADER))
    data = csv_bytes([[row[name] for name in order], ["", "", "", "", "", "", ""]], header=order)
    result = world.import_bytes(data + b"\r\n\r\n")
    assert (result.statement.rows_total, result.problems) == (1, ())
    assert world.status(acme).coverage is Coverage.COVERED


def test_a_basic_account_registered_after_the_deadline_puts_nothing_right(world, clock):
    from zhaocai.bonds.service import do_register_basic_account

    acme = world.bidder(1, register_account=False)
    world.import_rows([world.row(acme, world.code(acme))])
    clock.set(world.tender.bid_deadline)
    do_register_basic_account(
        uow=world.uow(),
        actor=acme.actor,
        org_id=acme.org_id,
        account_number=acme.account,
        account_name=acme.name,
        bank_name="中国工商银行",
    )
    [payment] = world.status(acme).payments
    assert (payment.status, payment.reason_code) == ("refused", "basic_account_unknown")
