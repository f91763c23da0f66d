"""Pave the databases: create them (and the vector extension) if missing, then drop and recreate
every table from the models. Development data is thrown away; migrations are bypassed.

It refuses any server that is not on this machine unless told otherwise, because the one time
it runs against production by mistake is the time that matters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import MetaData, text
from sqlalchemy.pool import NullPool

from heavy.config import HeavySettings, mask_url
from heavy.data.database_setup import (
    DatabaseUrls,
    create_database_if_missing,
    create_engine,
    database_error,
    enable_vector_extension,
    resolve_database_urls,
)
from heavy.data.metadata import sql_metadata, vector_metadata
from heavy.errors import DatabaseUnavailableError, HeavyError
from heavy.migrations.targets import TARGETS

logger = logging.getLogger(__name__)

NOT_LOCAL_FLAG = "--i-know-this-is-not-local"


class RemoteDatabaseRefusedError(HeavyError):
    exit_code = 2


@dataclass(frozen=True)
class PaveReport:
    urls: DatabaseUrls
    sql_tables: list[str]
    vector_tables: list[str]
    vector_search_available: bool


async def pave_databases(settings: HeavySettings, *, allow_remote: bool = False) -> PaveReport:
    urls = resolve_database_urls(settings)
    if not urls.is_local() and not allow_remote:
        remote = ", ".join(mask_url(url) for url in urls.remote_urls())
        raise RemoteDatabaseRefusedError(
            f"refusing to pave {remote}: not on this machine (pass {NOT_LOCAL_FLAG} if you mean it)"
        )
    for url in dict.fromkeys((urls.sql, urls.vector)):
        await create_database_if_missing(url)
    vector_ok = await enable_vector_extension(urls.vector)
    await _recreate_tables(urls.sql, sql_metadata())
    if vector_ok:
        await _recreate_tables(urls.vector, vector_metadata())
    return PaveReport(
        urls=urls,
        sql_tables=sorted(sql_metadata().tables),
        vector_tables=sorted(vector_metadata().tables) if vector_ok else [],
        vector_search_available=vector_ok,
    )


async def _recreate_tables(url: str, metadata: MetaData) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
            # A paved database is not a migrated one: forget any recorded migration state.
            version_tables = ", ".join(target.version_table for target in TARGETS)
            await connection.execute(text(f"DROP TABLE IF EXISTS {version_tables}"))
            await connection.run_sync(metadata.create_all)
    except DatabaseUnavailableError:
        raise
    except Exception as error:
        raise database_error(url, error) from error
    finally:
        await engine.dispose()
    logger.info("paved %s: %s", mask_url(url), ", ".join(sorted(metadata.tables)) or "no tables")
