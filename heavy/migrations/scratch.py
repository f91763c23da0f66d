"""Scratch databases: made on a server for one migration run and always dropped afterwards.

They go on the server the settings point at (the embedded PostgreSQL unless a URL is set), so
migrations are tested on the same kind of server they will run on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from heavy.config import mask_url
from heavy.data.database_setup import (
    create_database_if_missing,
    create_engine,
    maintenance_engine,
    sql_database_name,
)

logger = logging.getLogger(__name__)


def scratch_database_prefix() -> str:
    """Scratch databases are named after the app's database, so a leftover one says whose it is."""
    return f"{sql_database_name()}_scratch_"


@asynccontextmanager
async def scratch_database(server_url: str) -> AsyncIterator[str]:
    """Create a uniquely named database on the server of ``server_url``; yield its URL; drop it."""
    url = make_url(server_url).set(database=f"{scratch_database_prefix()}{uuid4().hex[:12]}")
    scratch_url = url.render_as_string(hide_password=False)
    await create_database_if_missing(scratch_url)
    try:
        yield scratch_url
    finally:
        await drop_database(scratch_url)


async def drop_database(url: str) -> None:
    """Drop the database named in ``url``, closing any connection still open to it."""
    parsed = make_url(url)
    assert parsed.database
    is_cockroach = parsed.get_backend_name() == "cockroachdb"
    engine = maintenance_engine(url)
    try:
        async with engine.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote(parsed.database)
            suffix = "CASCADE" if is_cockroach else "WITH (FORCE)"
            await connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} {suffix}"))
    finally:
        await engine.dispose()
    logger.info("dropped scratch database %s", mask_url(url))


async def pgvector_available(url: str) -> bool:
    """Whether the server of ``url`` can ``CREATE EXTENSION vector``."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
            )
    finally:
        await engine.dispose()
    return bool(found)
