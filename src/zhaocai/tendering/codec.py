"""A small generic (de)serializer for the model's frozen dataclasses: the stored form of an aggregate.

`to_data(value)` turns dataclasses, enums, Decimal, datetime, date, tuples and frozensets into plain JSON values
(dicts, lists, strings, numbers, booleans, None); `from_data(cls, data)` rebuilds the value from the dataclass's
type hints. Decimals travel as strings (exact, scale kept), datetimes as ISO 8601 in UTC, enums as their values.
`dumps`/`loads` add canonical JSON (one byte string per value) on top.

Dataclass fields are read through their type hints, so only the types listed here may appear in a stored
aggregate; anything else is refused rather than guessed.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

from zhaocai.core.canonical import canonical_json

T = TypeVar("T")


def to_data(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot store the non-finite amount {value}")
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("cannot store a naive datetime")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_data(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, frozenset | set):
        return sorted((to_data(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    raise TypeError(f"cannot store a {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(kind: Any, data: Any) -> Any:
    """The value of type `kind` that `to_data` turned into `data`."""
    origin = get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = get_args(kind)
        if data is None and type(None) in options:
            return None
        concrete = [option for option in options if option is not type(None)]
        if len(concrete) != 1:
            raise TypeError(f"cannot decide between {kind}")
        return from_data(concrete[0], data)
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], item) for item in data)
        return tuple(from_data(arg, item) for arg, item in zip(args, data, strict=True))
    if origin in (frozenset, set):
        (arg,) = get_args(kind)
        return origin(from_data(arg, item) for item in data)
    if origin is dict:
        key_type, value_type = get_args(kind)
        return {from_data(key_type, key): from_data(value_type, item) for key, item in data.items()}
    if kind is Any:
        return data
    if isinstance(kind, type):
        return _scalar_or_dataclass(kind, data)
    raise TypeError(f"cannot read a {kind}")


def _scalar_or_dataclass(kind: type, data: Any) -> Any:
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        values = {
            field.name: from_data(hints[field.name], data[field.name])
            for field in dataclasses.fields(kind)
            if field.name in data
        }
        return kind(**values)
    if issubclass(kind, Enum):
        return kind(data)
    if kind is Decimal:
        return Decimal(data)
    if kind is datetime:
        parsed = datetime.fromisoformat(data)
        if parsed.tzinfo is None:
            raise ValueError(f"stored datetime {data!r} has no timezone")
        return parsed
    if kind is date:
        return date.fromisoformat(data)
    if kind is bool:
        if not isinstance(data, bool):
            raise TypeError(f"expected a boolean, got {data!r}")
        return data
    if kind in (int, str):
        if not isinstance(data, kind) or isinstance(data, bool):
            raise TypeError(f"expected {kind.__name__}, got {data!r}")
        return data
    raise TypeError(f"cannot read a {kind.__name__}")


def dumps(value: Any) -> str:
    """Canonical JSON text of `value`."""
    return canonical_json(to_data(value)).decode()


def loads(kind: type[T], text: str) -> T:
    return from_data(kind, json.loads(text))
