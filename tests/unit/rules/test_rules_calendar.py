"""The working-day calendar against the State Council notices for 2025 and 2026."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from zhaocai.rules import CalendarYearMissing, RulesDataError, WorkingDayCalendar

HOLIDAYS_2025 = {
    "元旦": (date(2025, 1, 1), date(2025, 1, 1)),
    "春节": (date(2025, 1, 28), date(2025, 2, 4)),
    "清明节": (date(2025, 4, 4), date(2025, 4, 6)),
    "劳动节": (date(2025, 5, 1), date(2025, 5, 5)),
    "端午节": (date(2025, 5, 31), date(2025, 6, 2)),
    "国庆节、中秋节": (date(2025, 10, 1), date(2025, 10, 8)),
}
MAKEUP_2025 = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)]
MAKEUP_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_2025_holidays_are_rest_days(calendar: WorkingDayCalendar) -> None:
    for name, (first, last) in HOLIDAYS_2025.items():
        for day in days(first, last):
            assert not calendar.is_working_day(day), day
            assert calendar.holiday_name(day) == name


def test_make_up_weekends_are_working_days(calendar: WorkingDayCalendar) -> None:
    for day in MAKEUP_2025 + MAKEUP_2026:
        assert day.weekday() >= 5, day
        assert calendar.is_working_day(day), day


def test_ordinary_weekends_rest_and_weekdays_work(calendar: WorkingDayCalendar) -> None:
    assert not calendar.is_working_day(date(2025, 3, 8))  # Saturday
    assert not calendar.is_working_day(date(2025, 3, 9))  # Sunday
    assert calendar.is_working_day(date(2025, 3, 10))  # Monday
    assert calendar.holiday_name(date(2025, 3, 8)) is None
    assert calendar.is_working_day(date(2025, 10, 9))  # the day after 国庆
    assert not calendar.is_working_day(date(2025, 10, 12))  # Sunday after the make-up Saturday


def test_2026_notice(calendar: WorkingDayCalendar) -> None:
    for first, last in [
        (date(2026, 1, 1), date(2026, 1, 3)),
        (date(2026, 2, 15), date(2026, 2, 23)),
        (date(2026, 4, 4), date(2026, 4, 6)),
        (date(2026, 5, 1), date(2026, 5, 5)),
        (date(2026, 6, 19), date(2026, 6, 21)),
        (date(2026, 9, 25), date(2026, 9, 27)),
        (date(2026, 10, 1), date(2026, 10, 7)),
    ]:
        assert not any(calendar.is_working_day(day) for day in days(first, last)), first
    assert calendar.is_working_day(date(2026, 10, 8))


def test_working_days_per_year(calendar: WorkingDayCalendar) -> None:
    # 261 weekdays each; 2025: 18 weekday holidays, 5 make-up days; 2026: 19 and 6 (counted by hand from the notices).
    assert len(calendar.working_days(date(2025, 1, 1), date(2025, 12, 31))) == 261 - 18 + 5
    assert len(calendar.working_days(date(2026, 1, 1), date(2026, 12, 31))) == 261 - 19 + 6


def test_next_and_counted_working_days(calendar: WorkingDayCalendar) -> None:
    assert calendar.next_working_day(date(2025, 9, 30)) == date(2025, 10, 9)
    assert calendar.on_or_after(date(2025, 10, 3)) == date(2025, 10, 9)
    assert calendar.on_or_after(date(2025, 10, 11)) == date(2025, 10, 11)  # make-up Saturday
    # Thursday 2025-02-06: Friday 2-07, make-up Saturday 2-08, Monday 2-10.
    assert calendar.add_working_days(date(2025, 2, 6), 3) == date(2025, 2, 10)
    assert calendar.subtract_working_days(date(2025, 2, 10), 2) == date(2025, 2, 7)
    # 元旦 2026 rests 1-01..1-03 and makes Sunday 1-04 a working day.
    assert calendar.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert calendar.add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)


def test_a_year_without_a_notice_is_refused(calendar: WorkingDayCalendar) -> None:
    for day in (date(2024, 12, 31), date(2027, 1, 4)):
        with pytest.raises(CalendarYearMissing) as refused:
            calendar.is_working_day(day)
        assert f"no holiday calendar for {day.year}" in refused.value.message
        assert f"data/holidays/{day.year}.toml" in refused.value.message
    with pytest.raises(CalendarYearMissing):
        calendar.add_working_days(date(2026, 12, 30), 5)  # runs into 2027


def test_notices_record_their_source(calendar: WorkingDayCalendar) -> None:
    assert calendar.years == [2025, 2026]
    assert "国办发明电〔2024〕12号" in calendar.notice(2025).source
    assert "2026年部分节假日安排" in calendar.notice(2026).source


def holiday_file(folder: Path, year: int, body: str, name: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / (name or f"{year}.toml")
    path.write_text(f'year = {year}\nsource = "test notice"\n{body}', encoding="utf-8")
    return folder


def test_another_year_is_loaded_from_its_file(tmp_path: Path) -> None:
    folder = holiday_file(
        tmp_path / "h",
        2027,
        '[[holiday]]\nname = "元旦"\nfirst = 2027-01-01\nlast = 2027-01-03\nmakeup_workdays = [2027-01-09]\n',
    )
    calendar = WorkingDayCalendar.load(folder)
    assert calendar.years == [2027]
    assert not calendar.is_working_day(date(2027, 1, 1))  # a Friday made a holiday
    assert calendar.is_working_day(date(2027, 1, 9))  # a Saturday made a working day
    with pytest.raises(CalendarYearMissing):
        calendar.is_working_day(date(2026, 12, 31))


@pytest.mark.parametrize(
    ("body", "file_name", "problem"),
    [
        (
            '[[holiday]]\nname = "x"\nfirst = 2027-01-01\nlast = 2027-01-01\nmakeup_workdays = [2027-01-05]\n',
            None,
            "is a weekday",
        ),
        (
            '[[holiday]]\nname = "x"\nfirst = 2027-01-01\nlast = 2027-01-10\nmakeup_workdays = [2027-01-09]\n',
            None,
            "lies inside the holiday",
        ),
        ('[[holiday]]\nname = "x"\nfirst = 2027-01-03\nlast = 2027-01-01\n', None, "is before first"),
        ('[[holiday]]\nname = "x"\nfirst = "2027-01-01"\nlast = 2027-01-01\n', None, "must be TOML dates"),
        ('[[holiday]]\nname = "x"\nfirst = 2030-01-01\nlast = 2030-01-01\n', None, "too far from 2027"),
        ('[[holiday]]\nname = "x"\nfirst = 2027-01-01\nlast = 2027-01-01\n', "2028.toml", "must be named 2027.toml"),
        ('[[holiday]]\nname = "x"\nfirst = 2027-01-01\nlast = 2027-01-01\ncolour = 1\n', None, "unknown field"),
        ("", None, "no [[holiday]] rows"),
    ],
)
def test_bad_holiday_data_refuses_to_load(tmp_path: Path, body: str, file_name: str | None, problem: str) -> None:
    folder = holiday_file(tmp_path / "h", 2027, body, file_name)
    with pytest.raises(RulesDataError) as refused:
        WorkingDayCalendar.load(folder)
    assert problem in str(refused.value)


def test_a_day_both_holiday_and_make_up_across_notices_is_refused(tmp_path: Path) -> None:
    folder = holiday_file(tmp_path / "h", 2027, '[[holiday]]\nname = "a"\nfirst = 2027-12-31\nlast = 2028-01-02\n')
    holiday_file(
        folder, 2028, '[[holiday]]\nname = "b"\nfirst = 2028-01-20\nlast = 2028-01-21\nmakeup_workdays = [2028-01-01]\n'
    )
    with pytest.raises(RulesDataError, match="2028-01-01 is both a holiday and a make-up working day"):
        WorkingDayCalendar.load(folder)
