"""The databases that have migrations, and what sets each apart.

Two histories rather than Alembic's multi-database template, because the two databases are
deployed independently: the vector database may live on another server, may lack pgvector (its
migrations then wait), or may be the very same database as the SQL one. Each target has its own
version table, so both histories can share one database; each ignores the other's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData

from heavy.data.database_setup import DatabaseUrls
from heavy.data.metadata import sql_metadata, vector_metadata
from heavy.errors import HeavyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


@dataclass(frozen=True)
class MigrationTarget:
    """One database with its own migration history."""

    name: str  # the alembic.ini section and the folder under alembic/versions
    version_table: str
    metadata: Callable[[], MetaData]
    url: Callable[[DatabaseUrls], str]
    needs_pgvector: bool

    @property
    def versions_dir(self) -> Path:
        return PROJECT_ROOT / "alembic" / "versions" / self.name


SQL_TARGET = MigrationTarget(
    name="sql",
    version_table="alembic_version",
    metadata=sql_metadata,
    url=lambda urls: urls.sql,
    needs_pgvector=False,
)
VECTOR_TARGET = MigrationTarget(
    name="vector",
    version_table="alembic_version_vector",
    metadata=vector_metadata,
    url=lambda urls: urls.vector,
    needs_pgvector=True,
)
TARGETS = (SQL_TARGET, VECTOR_TARGET)


def target_named(name: str) -> MigrationTarget:
    for target in TARGETS:
        if target.name == name:
            return target
    known = " or ".join(target.name for target in TARGETS)
    raise HeavyError(f"no migration target {name!r} (alembic.ini section): use {known}: alembic -n sql")


def tables_of_other_targets(target: MigrationTarget) -> frozenset[str]:
    """Tables (version tables included) that belong to the other databases' histories."""
    names: set[str] = set()
    for other in TARGETS:
        if other is not target:
            names.add(other.version_table)
            names.update(other.metadata().tables)
    return frozenset(names)
