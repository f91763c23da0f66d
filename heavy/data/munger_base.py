"""Mungers turn the result of an operation (usually a SQL model) into the model a caller wants.

A manager is given a munger, so the same business logic can hand the frontend a shared model
(``UserModelMunger``) and hand other backend code the raw SQL model (``UserSQLModelMunger``).
"""

from __future__ import annotations

import abc
from typing import Generic, TypeVar

T = TypeVar("T")
G = TypeVar("G")


class ModelMunger(abc.ABC, Generic[T, G]):
    """Converts a ``G`` (typically a SQL model) into a ``T``; ``None`` stays ``None``."""

    @abc.abstractmethod
    def to_model(self, sql_model: G | None) -> T | None: ...

    def to_models(self, sql_models: list[G]) -> list[T]:
        converted = (self.to_model(sql_model) for sql_model in sql_models)
        return [model for model in converted if model is not None]


class SQLModelMunger(ModelMunger[G, G]):
    """The identity munger: for callers that want the SQL model itself."""

    def to_model(self, sql_model: G | None) -> G | None:
        return sql_model
