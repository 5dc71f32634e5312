"""Fixtures for the rules tests: the packaged table and calendar."""

from __future__ import annotations

import pytest

from zhaocai.rules.calendar import WorkingDayCalendar, packaged_calendar
from zhaocai.rules.table import RulesTable


@pytest.fixture(scope="session")
def rules() -> RulesTable:
    return RulesTable.load()


@pytest.fixture(scope="session")
def calendar() -> WorkingDayCalendar:
    return packaged_calendar()
