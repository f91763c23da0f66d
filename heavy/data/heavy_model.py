"""Base classes for tables: a forgotten ``table=True`` is a TypeError, not a silent plain model.

SQLModel quietly turns ``class SQLThing(SQLModel):`` (or the ``Table=True`` typo) into a Pydantic
model with no table; ``HeavyModel`` refuses both, and a missing ``__tablename__``, at import time.
Tables of the SQL database derive from :class:`HeavyModel`; tables of the vector database from
:class:`VectorHeavyModel`. Each base has its own metadata, so each database gets only its tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelMetaclass


class HeavyModelMetaclass(SQLModelMetaclass):
    """Checks each table class as it is defined. A class that passes ``registry=`` is a base."""

    def __new__(
        cls, name: str, bases: tuple[type[Any], ...], class_dict: dict[str, Any], **kwargs: Any
    ) -> Any:
        if "registry" not in kwargs:
            _check_table_declaration(name, class_dict, kwargs)
        return super().__new__(cls, name, bases, class_dict, **kwargs)


def _check_table_declaration(name: str, class_dict: dict[str, Any], kwargs: dict[str, Any]) -> None:
    misspelt = [key for key in kwargs if key.lower() == "table" and key != "table"]
    if misspelt:
        raise TypeError(f"{name}: write table=True (lower case), not {misspelt[0]}=True")
    if kwargs.get("table") is not True:
        raise TypeError(
            f"{name} derives from HeavyModel but is not a table: declare it as "
            f"`class {name}(HeavyModel, table=True)` (use a plain pydantic model for non-table data)"
        )
    if "__tablename__" not in class_dict:
        raise TypeError(f'{name} has no __tablename__: add `__tablename__ = "..."` to the class body')


# Every constraint gets a predictable name, so migrations can drop and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class HeavyModel(
    SQLModel,
    metaclass=HeavyModelMetaclass,
    registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION)),
):
    """Base of every table in the SQL database (``SQL_DB_URL``)."""


class VectorHeavyModel(HeavyModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))):
    """Base of every table in the vector database (``VECTOR_DB_URL``, PostgreSQL with pgvector)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp_field() -> Any:
    """A timezone-aware timestamp column defaulting to now (UTC)."""
    return Field(default_factory=utc_now, sa_type=DateTime(timezone=True), nullable=False)
