"""The stored form of the aggregate: every TenderProject (and Project) survives a round trip through canonical
JSON unchanged, and the text is canonical (the same value always gives the same bytes)."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tendering_world import reach

from zhaocai.tendering import codec
from zhaocai.tendering.model import Project, State, TenderProject

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))])


def strategy(kind: typing.Any) -> st.SearchStrategy:
    """A strategy for any type the model's dataclasses use, read from the type hints (as the codec reads them)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy(arg) for arg in typing.get_args(kind)))
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*(strategy(arg) for arg in args))
    if kind is type(None):
        return st.none()
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return st.builds(kind, **{field.name: strategy(hints[field.name]) for field in dataclasses.fields(kind)})
    if isinstance(kind, type) and issubclass(kind, Enum):
        return st.sampled_from(list(kind))
    if kind is Decimal:
        return st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**12, min_value=-(10**12))
    if kind is datetime:
        return st.datetimes(timezones=ZONES, min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
    if kind is date:
        return st.dates()
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(min_value=-(2**53), max_value=2**53)
    if kind is str:
        return st.text(max_size=12)
    raise TypeError(f"no strategy for {kind}")


@settings(max_examples=150, deadline=None)
@given(strategy(TenderProject))
def test_any_tender_round_trips(tender: TenderProject):
    text = codec.dumps(tender)
    back = codec.loads(TenderProject, text)
    assert back == tender
    assert codec.dumps(back) == text


@settings(max_examples=50, deadline=None)
@given(strategy(Project))
def test_any_project_round_trips(project: Project):
    assert codec.loads(Project, codec.dumps(project)) == project


@pytest.mark.parametrize("state", [State.DRAFT, State.SUSPENDED, State.RE_TENDERED])
def test_real_tenders_round_trip_exactly(state: State):
    tender = reach(state)
    back = codec.loads(TenderProject, codec.dumps(tender))
    assert back == tender
    assert str(back.lots[0].bond_amount) == "200000.00"  # the scale is kept, not only the value


def test_refuses_what_it_cannot_store_faithfully():
    with pytest.raises(ValueError, match="naive"):
        codec.dumps(datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="non-finite"):
        codec.dumps(Decimal("NaN"))
    with pytest.raises(TypeError):
        codec.dumps(object())
    with pytest.raises(TypeError):
        codec.from_data(int, "3")
