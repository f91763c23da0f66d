from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

import pytest
from pydantic import BaseModel

from heavy.accounts.user_model import SQLUser
from heavy.realtime.state_codec import (
    NOT_RECOVERABLE,
    UndecodableValue,
    decode_value,
    encode_value,
    register_recoverable_type,
)


@register_recoverable_type
class Address(BaseModel):
    street: str
    number: int


class NotRegistered(BaseModel):
    name: str


register_recoverable_type(SQLUser)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2.5,
        "text",
        [1, "two", None],
        (1, (2, 3)),
        {"a": [1, {"b": (True,)}]},
        {"$t": "a dict that looks tagged"},
        dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC),
        dt.date(2026, 11, 26),
        dt.time(12, 30),
        dt.timedelta(minutes=90),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        decimal.Decimal("10.25"),
        Address(street="Main", number=1),
        [Address(street="A", number=2)],
    ],
)
def test_recoverable_values_round_trip(value: Any) -> None:
    decoded = decode_value(encode_value(value))

    assert decoded == value
    assert type(decoded) is type(value)


def test_sqlmodel_rows_round_trip_once_registered() -> None:
    user = SQLUser(display_name="Ada")

    decoded = decode_value(encode_value(user))

    assert isinstance(decoded, SQLUser)
    assert (decoded.id, decoded.display_name) == (user.id, "Ada")


@pytest.mark.parametrize(
    "value",
    [
        object(),
        NotRegistered(name="x"),
        {1: "int key"},
        [object()],
        {"nested": {"bad": object()}},
        float("nan"),
        {1, 2},
    ],
)
def test_other_values_are_not_recoverable(value: Any) -> None:
    assert encode_value(value) is NOT_RECOVERABLE


def test_a_model_that_is_no_longer_registered_does_not_decode() -> None:
    with pytest.raises(UndecodableValue, match="not a registered recoverable type"):
        decode_value({"$t": "model", "n": "somewhere.Gone", "v": {}})


def test_a_model_whose_shape_changed_does_not_decode() -> None:
    stored = encode_value(Address(street="Main", number=1))
    stored["v"]["number"] = "not a number any more"

    with pytest.raises(UndecodableValue):
        decode_value(stored)


def test_only_pydantic_models_can_be_registered() -> None:
    with pytest.raises(TypeError, match="only Pydantic models"):
        register_recoverable_type(dict)  # type: ignore[type-var]
