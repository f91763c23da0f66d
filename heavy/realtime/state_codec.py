"""Which state values can be recovered, and how they are written down.

A value is recoverable when it is JSON-friendly (None, bool, int, float, str, and lists, tuples
and str-keyed dicts of recoverable values), a date/time/UUID/Decimal, or an instance of a
registered type: any Pydantic model (SQLModel rows included) registered with
:func:`register_recoverable_type`. Anything else is never stored: :func:`encode_value` returns
:data:`NOT_RECOVERABLE` and the state falls back to its initial value after a reconnect.

The encoding is tagged JSON (``{"$t": "tuple", "v": [...]}``) so that tuples stay tuples and a
registered model comes back as the same class, validated by Pydantic on the way in.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

_Model = TypeVar("_Model", bound=type[BaseModel])

NOT_RECOVERABLE: Final = object()
MAX_DEPTH = 32

_registered_types: dict[str, type[BaseModel]] = {}


class UndecodableValue(ValueError):
    """A stored value that no longer decodes (its type vanished or changed shape)."""


def type_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def register_recoverable_type(cls: _Model) -> _Model:
    """Let state holding instances of the Pydantic model ``cls`` survive reconnects and restarts.

    Usable as a class decorator. Only register types whose fields a user may see again: the
    snapshot is signed but not encrypted.
    """
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        raise TypeError(f"only Pydantic models (SQLModel rows included) can be registered, not {cls!r}")
    _registered_types[type_name(cls)] = cls
    return cls


def encode_value(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-compatible data, or :data:`NOT_RECOVERABLE`."""
    if depth > MAX_DEPTH:
        return NOT_RECOVERABLE
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else NOT_RECOVERABLE
    if isinstance(value, list | tuple):
        items = [encode_value(item, depth + 1) for item in value]
        if any(item is NOT_RECOVERABLE for item in items):
            return NOT_RECOVERABLE
        return items if isinstance(value, list) else {"$t": "tuple", "v": items}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return NOT_RECOVERABLE
        entries = {key: encode_value(item, depth + 1) for key, item in value.items()}
        if any(item is NOT_RECOVERABLE for item in entries.values()):
            return NOT_RECOVERABLE
        return {"$t": "dict", "v": entries} if "$t" in entries else entries
    if isinstance(value, dt.datetime):
        return {"$t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$t": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": "time", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$t": "timedelta", "v": value.total_seconds()}
    if isinstance(value, uuid.UUID):
        return {"$t": "uuid", "v": str(value)}
    if isinstance(value, decimal.Decimal):
        return {"$t": "decimal", "v": str(value)}
    if isinstance(value, BaseModel) and type_name(type(value)) in _registered_types:
        return {"$t": "model", "n": type_name(type(value)), "v": value.model_dump(mode="json")}
    return NOT_RECOVERABLE


def decode_value(data: Any) -> Any:
    """The value :func:`encode_value` wrote down; raises :class:`UndecodableValue`."""
    if isinstance(data, list):
        return [decode_value(item) for item in data]
    if not isinstance(data, dict):
        return data
    tag = data.get("$t")
    if tag is None:
        return {key: decode_value(item) for key, item in data.items()}
    try:
        return _decode_tagged(tag, data)
    except (KeyError, TypeError, ValueError, ValidationError, decimal.InvalidOperation) as error:
        raise UndecodableValue(f"cannot decode a stored {tag!r}: {error}") from None


def _decode_tagged(tag: str, data: dict[str, Any]) -> Any:
    raw = data["v"]
    if tag == "tuple":
        return tuple(decode_value(item) for item in raw)
    if tag == "dict":
        return {key: decode_value(item) for key, item in raw.items()}
    if tag == "datetime":
        return dt.datetime.fromisoformat(raw)
    if tag == "date":
        return dt.date.fromisoformat(raw)
    if tag == "time":
        return dt.time.fromisoformat(raw)
    if tag == "timedelta":
        return dt.timedelta(seconds=float(raw))
    if tag == "uuid":
        return uuid.UUID(raw)
    if tag == "decimal":
        return decimal.Decimal(raw)
    if tag == "model":
        model = _registered_types.get(data["n"])
        if model is None:
            raise ValueError(f"{data['n']} is not a registered recoverable type")
        return model.model_validate(raw)
    raise ValueError(f"unknown tag {tag!r}")
