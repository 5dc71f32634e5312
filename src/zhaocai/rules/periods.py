"""Counting legal periods (DESIGN principle 1). Pure: instants in, instants out; no clock is read here.

- A period in days starts the day after the event (民法典201): an event at any time on 3-04 starts a 20-day period
  on 3-05, whose last day is 3-24.
- When the last day of a period is a rest day (法定休假日: a statutory holiday, or a weekend the State Council has not
  made a working day), the period's last day becomes the next working day (民法典203).
- A period ends at 24:00 of its last day, Asia/Shanghai (民法典203), i.e. at 00:00 of the following day.
- Working-day periods count only working days (make-up working weekends count; holidays and weekends do not).
- Hour periods run from the event's instant (民法典201: counted from the hour given).

Two directions:
- forward from an event (`period_end`): the earliest end of a minimum period the platform must leave (a bid deadline
  20 days after the documents), or the moment a tracked duty becomes overdue (answer within 3 days);
- back from an anchor (`before_cutoff`, and its inverse `earliest_anchor`): an act that must come "at least N days
  before" a fixed moment (an objection 10 days before the bid deadline). The anchor itself is fixed, so nothing rolls
  over: the N whole days after the act's day must all lie before the anchor's day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import ValidationFailed
from zhaocai.rules.calendar import WorkingDayCalendar, packaged_calendar
from zhaocai.rules.rule import Rule, Unit

DAY_UNITS = (Unit.CALENDAR_DAY, Unit.WORKING_DAY)


def local(moment: datetime) -> datetime:
    """`moment` in Asia/Shanghai; naive datetimes are refused (an instant without a zone is a bug)."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no timezone; periods are counted between instants")
    return moment.astimezone(SHANGHAI)


def start_of_day(day: date) -> datetime:
    """00:00 of `day` in Asia/Shanghai (which is also 24:00 of the day before)."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def format_moment(moment: datetime) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M")


def last_day(start_at: datetime, rule: Rule, *, calendar: WorkingDayCalendar | None = None) -> date:
    """The last day of a day-period that starts after the event at `start_at`, moved past rest days (民法典203).
    For a tracked duty this is its due date."""
    rule.require_unit(*DAY_UNITS)
    return _last_day(local(start_at).date(), rule, calendar or packaged_calendar())


def period_end(start_at: datetime, rule: Rule, *, calendar: WorkingDayCalendar | None = None) -> datetime:
    """When the period of `rule` that starts with the event at `start_at` ends (Asia/Shanghai)."""
    rule.require_unit(Unit.HOUR, *DAY_UNITS)
    if rule.unit is Unit.HOUR:
        return local(start_at) + timedelta(hours=rule.as_int())
    day = _last_day(local(start_at).date(), rule, calendar or packaged_calendar())
    return start_of_day(day + timedelta(days=1))


def before_cutoff(anchor_at: datetime, rule: Rule, *, calendar: WorkingDayCalendar | None = None) -> datetime:
    """An act that must come at least `rule` days before `anchor_at` must happen before this moment (00:00 of the
    first day that is too late)."""
    rule.require_unit(*DAY_UNITS)
    anchor_day = local(anchor_at).date()
    days = rule.as_int()
    if rule.unit is Unit.CALENDAR_DAY:
        return start_of_day(anchor_day - timedelta(days=days))
    return start_of_day((calendar or packaged_calendar()).subtract_working_days(anchor_day, days))


def earliest_anchor(act_at: datetime, rule: Rule, *, calendar: WorkingDayCalendar | None = None) -> datetime:
    """The earliest anchor that still leaves `rule` days after an act at `act_at` (the inverse of before_cutoff):
    the bid deadline a late clarification pushes the tender to (条例21 顺延)."""
    rule.require_unit(*DAY_UNITS)
    act_day = local(act_at).date()
    if rule.unit is Unit.CALENDAR_DAY:
        last = act_day + timedelta(days=rule.as_int())
    else:
        last = (calendar or packaged_calendar()).add_working_days(act_day, rule.as_int())
    return start_of_day(last + timedelta(days=1))


def check_min_period(
    start_at: datetime,
    end_at: datetime,
    rule: Rule,
    *,
    field: str,
    calendar: WorkingDayCalendar | None = None,
) -> None:
    """Refuse `end_at` if it comes before the end of the minimum period `rule` starting at `start_at`
    (bid deadline >= 20 days after the documents are issued, 法24)."""
    earliest = period_end(start_at, rule, calendar=calendar)
    if local(end_at) < earliest:
        raise _refusal(
            rule,
            field,
            f"earliest {format_moment(earliest)} Asia/Shanghai, got {format_moment(end_at)}",
            limit=earliest,
            got=end_at,
        )


def check_within(
    start_at: datetime,
    act_at: datetime,
    rule: Rule,
    *,
    field: str,
    calendar: WorkingDayCalendar | None = None,
) -> None:
    """Refuse an act at `act_at` that comes after the period `rule` starting at `start_at` has ended
    (a complaint filed more than 10 days after knowing, 条例60)."""
    due = period_end(start_at, rule, calendar=calendar)
    if local(act_at) > due:
        raise _refusal(
            rule,
            field,
            f"due by {format_moment(due)} Asia/Shanghai, got {format_moment(act_at)}",
            limit=due,
            got=act_at,
        )


def check_before(
    act_at: datetime,
    anchor_at: datetime,
    rule: Rule,
    *,
    field: str,
    calendar: WorkingDayCalendar | None = None,
) -> None:
    """Refuse an act at `act_at` that does not leave at least `rule` days before `anchor_at`
    (an objection to the tender documents less than 10 days before the bid deadline, 条例22)."""
    cutoff = before_cutoff(anchor_at, rule, calendar=calendar)
    if local(act_at) >= cutoff:
        raise _refusal(
            rule,
            field,
            f"must come before {format_moment(cutoff)} Asia/Shanghai, got {format_moment(act_at)}",
            limit=cutoff,
            got=act_at,
        )


def _last_day(event_day: date, rule: Rule, calendar: WorkingDayCalendar) -> date:
    if rule.unit is Unit.WORKING_DAY:
        return calendar.add_working_days(event_day, rule.as_int())  # always a working day: nothing to roll over
    return calendar.on_or_after(event_day + timedelta(days=rule.as_int()))


def _refusal(rule: Rule, field: str, comparison: str, *, limit: datetime, got: datetime) -> ValidationFailed:
    return ValidationFailed(
        f"{rule.statement} ({rule.citation}): {comparison}",
        field=field,
        citation=rule.citation,
        detail={"rule": rule.key, "limit": local(limit).isoformat(), "got": local(got).isoformat()},
    )
