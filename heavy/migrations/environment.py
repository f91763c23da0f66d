"""What ``alembic/env.py`` runs, for either database: the ini section (``-n sql`` / ``-n vector``)
names the target, and the URL comes from the settings.

``heavy migrate`` hands over an open connection (``config.attributes["connection"]``) to a scratch
or configured database; the plain ``alembic`` command connects to the configured database itself
(or to ``config.attributes["database_url"]``, e.g. to render SQL offline for another dialect).
Both use the same comparison options, so ``alembic -n sql check`` and ``heavy migrate test`` agree.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from pgvector.sqlalchemy import Vector
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from sqlmodel.sql.sqltypes import AutoString

from heavy.config import load_settings
from heavy.data.database_setup import create_engine, resolve_database_urls
from heavy.migrations.targets import MigrationTarget, tables_of_other_targets, target_named


def run_migrations() -> None:
    """Run the Alembic command in progress against the target named by the ini section."""
    config = context.config
    target = target_named(config.config_ini_section)
    options = comparison_options(target)
    connection: Connection | None = config.attributes.get("connection")
    if getattr(config.cmd_opts, "cmd", None) and config.config_file_name:
        # Run by Alembic's own command line: log progress as its templates do.
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    if connection is not None:
        _run_on_connection(connection, options)
    elif context.is_offline_mode():
        context.configure(url=_database_url(target), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(_run_on_new_engine(_database_url(target), options))


def comparison_options(target: MigrationTarget) -> dict[str, Any]:
    """``context.configure`` options for ``target``: its metadata, version table and filters."""
    other_tables = tables_of_other_targets(target)

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return not (type_ == "table" and name in other_tables)

    return {
        "target_metadata": target.metadata(),
        "version_table": target.version_table,
        "include_name": include_name,
        "compare_type": True,
        "render_item": render_item,
    }


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Write column types the way a person would, so migrations need only sqlalchemy and pgvector."""
    if type_ != "type":
        return False
    if isinstance(obj, AutoString):  # SQLModel's str column: a plain VARCHAR
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if isinstance(obj, Vector):
        autogen_context.imports.add("import pgvector.sqlalchemy")
        return f"pgvector.sqlalchemy.Vector({obj.dim})"
    return False


def _database_url(target: MigrationTarget) -> str:
    given: str | None = context.config.attributes.get("database_url")
    return given or target.url(resolve_database_urls(load_settings()))


def _run_on_connection(connection: Connection, options: dict[str, Any]) -> None:
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_new_engine(url: str, options: dict[str, Any]) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on_connection, options)
    finally:
        await engine.dispose()
