"""Which databases a process uses, and making sure they exist and answer before the app serves.

With no URL configured both databases live on the embedded PostgreSQL, named after the app
(``<package>`` and ``<package>_vector``: ``heavy_stack`` and ``heavy_stack_vector`` for the demo);
a configured URL always wins. ``VECTOR_DB_URL`` falls back to
``SQL_DB_URL`` when only the latter is set, so one external server is enough.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from heavy.app import current_app
from heavy.config import HeavySettings, mask_url
from heavy.data.embedded_postgres import embedded_postgres
from heavy.data.metadata import sql_metadata, vector_metadata
from heavy.errors import DatabaseRefusedError, DatabaseUnavailableError, HeavyError

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
_CONNECTION_ERRORS = (SQLAlchemyError, OSError, asyncpg.PostgresError, TimeoutError)
# pg_advisory_lock keys (any fixed 64-bit numbers; these spell "heavy" + a purpose). Advisory locks
# are per database: the first is taken in the maintenance database, the second in each target.
CREATE_DATABASE_LOCK_KEY = 0x6865617679_0001
SCHEMA_LOCK_KEY = 0x6865617679_0002


def sql_database_name() -> str:
    """The embedded SQL database's name: the app's package name."""
    return current_app().package


def vector_database_name() -> str:
    return f"{current_app().package}_vector"


@dataclass(frozen=True)
class DatabaseUrls:
    """The two async SQLAlchemy URLs a process connects to."""

    sql: str
    vector: str
    embedded: bool

    def remote_urls(self) -> list[str]:
        """The URLs that reach another machine (pave-db refuses them). Each URL is checked, never
        ``embedded``: a configured VECTOR_DB_URL can be remote while the SQL database is embedded."""
        return [url for url in dict.fromkeys((self.sql, self.vector)) if not _is_local_url(url)]

    def is_local(self) -> bool:
        """True when every URL in use is on this machine (embedded, Unix socket or loopback)."""
        return not self.remote_urls()


def resolve_database_urls(settings: HeavySettings) -> DatabaseUrls:
    """Work out the URLs from settings, starting (or joining) the embedded server if needed."""
    sql_url = settings.sql_db_url
    vector_url = settings.vector_db_url or sql_url
    if sql_url is not None and vector_url is not None:
        return DatabaseUrls(sql=sql_url, vector=vector_url, embedded=False)
    server = embedded_postgres(settings.data_dir)
    return DatabaseUrls(
        sql=sql_url or server.url(sql_database_name()),
        vector=vector_url or server.url(vector_database_name()),
        embedded=True,
    )


def create_engine(url: str, **options: object) -> AsyncEngine:
    """An async engine with the stack's connection defaults (bounded connect time)."""
    return create_async_engine(url, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS}, **options)


def describe_connection_error(url: str, error: BaseException) -> str:
    """One line naming the database (password masked) and why it could not be used."""
    reason = getattr(error, "orig", None) or error
    detail = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return f"cannot reach the database at {mask_url(url)}: {detail}"


def database_error(url: str, error: BaseException) -> HeavyError:
    """The one-line error for ``error`` met while using ``url``.

    An error carrying a SQLSTATE is the database answering (a unique violation, a missing
    database, a refused password): it is reported as what it is, never as "cannot reach".
    """
    sqlstate = sqlstate_of(error)
    if sqlstate is None:
        return DatabaseUnavailableError(describe_connection_error(url, error))
    reason = getattr(error, "orig", None) or error
    first_line = (str(reason).strip() or type(reason).__name__).splitlines()[0]
    detail = re.sub(r"^<class '[\w.]+'>: ", "", first_line)  # how SQLAlchemy wraps asyncpg's errors
    return DatabaseRefusedError(f"the database at {mask_url(url)} refused: {detail} (SQLSTATE {sqlstate})")


def sqlstate_of(error: BaseException) -> str | None:
    """The SQLSTATE the server sent with ``error`` (asyncpg's, or SQLAlchemy's wrapping of it), if any."""
    seen: BaseException | None = error
    for _ in range(4):  # SQLAlchemy error -> .orig (dialect's adapter) -> __cause__ (asyncpg's)
        if seen is None:
            return None
        sqlstate = getattr(seen, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate:
            return sqlstate
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


async def check_database(url: str) -> None:
    """Open one connection to ``url`` and run ``SELECT 1``, or raise DatabaseUnavailableError."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS * 2), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except _CONNECTION_ERRORS as error:
        raise database_error(url, error) from error
    finally:
        await engine.dispose()


def maintenance_engine(url: str) -> AsyncEngine:
    """An AUTOCOMMIT engine on the server of ``url``, connected to its maintenance database
    (``postgres``, or ``defaultdb`` on CockroachDB): where databases are created and dropped."""
    parsed = make_url(url)
    maintenance_db = "defaultdb" if parsed.get_backend_name() == "cockroachdb" else "postgres"
    return create_engine(
        parsed.set(database=maintenance_db).render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )


async def create_database_if_missing(url: str) -> bool:
    """Create the database named in ``url`` on its server; True if it had to be created.

    Processes doing this at once (replicas running ``migrate up``, workers starting) take turns
    under an advisory lock: "does it exist? create it" is otherwise a race that one of them loses
    with a unique violation on ``pg_database``.
    """
    database = make_url(url).database
    assert database, "validated by config.normalise_database_url"
    engine = maintenance_engine(url)
    try:
        async with engine.connect() as connection:
            if _has_advisory_locks(url):  # released when this connection closes
                await connection.execute(
                    text("SELECT pg_advisory_lock(:key)"), {"key": CREATE_DATABASE_LOCK_KEY}
                )
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
            )
            if exists:
                return False
            quoted = connection.dialect.identifier_preparer.quote(database)
            await connection.execute(text(f"CREATE DATABASE {quoted}"))
            logger.info("created database %s", mask_url(url))
            return True
    except _CONNECTION_ERRORS as error:
        raise database_error(url, error) from error
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def schema_lock(urls: Iterable[str]) -> AsyncIterator[None]:
    """Hold the schema lock of each database in ``urls`` (existing ones) until the block ends.

    ``migrate up`` and DEV start-up change schemas under it, so processes doing so at once take
    turns: the second finds the work done ("up to date") instead of failing on a half-created
    table. A session-level ``pg_advisory_lock`` on a connection of its own, released when that
    connection closes (so also when the process dies). Taken in a fixed order, so two processes
    can never each hold one and wait for the other. CockroachDB has no advisory locks: there the
    block runs unguarded (run one ``migrate up`` at a time).
    """
    async with contextlib.AsyncExitStack() as stack:
        for url in sorted(dict.fromkeys(urls)):
            if _has_advisory_locks(url):
                await stack.enter_async_context(_advisory_lock(url, SCHEMA_LOCK_KEY))
        yield


@contextlib.asynccontextmanager
async def _advisory_lock(url: str, key: int) -> AsyncIterator[None]:
    # AUTOCOMMIT: the connection only holds the lock, not a transaction (which a server's
    # idle_in_transaction_session_timeout could end, and the lock with it).
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    connection: AsyncConnection | None = None
    try:
        try:
            connection = await engine.connect()
            taken = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            if not taken:
                logger.info("waiting for another process changing the schema of %s", mask_url(url))
                await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        except _CONNECTION_ERRORS as error:
            raise database_error(url, error) from error
        yield
    finally:
        if connection is not None:
            with contextlib.suppress(*_CONNECTION_ERRORS):
                await connection.close()  # ends the session, which releases the lock
        await engine.dispose()


def _has_advisory_locks(url: str) -> bool:
    return make_url(url).get_backend_name() != "cockroachdb"


async def enable_vector_extension(url: str) -> bool:
    """``CREATE EXTENSION vector`` in the vector database; False (and a log line) if unavailable."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            available = await connection.scalar(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
            )
            if not available:
                logger.warning(
                    "vector search is off: the PostgreSQL at %s has no pgvector extension "
                    "(install pgvector there, or leave the URLs unset to use the embedded database)",
                    mask_url(url),
                )
                return False
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            return True
    except _CONNECTION_ERRORS as error:
        raise database_error(url, error) from error
    finally:
        await engine.dispose()


async def create_missing_tables(url: str, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` that do not exist yet (never alters or drops)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all, checkfirst=True)
    except _CONNECTION_ERRORS as error:
        raise database_error(url, error) from error
    finally:
        await engine.dispose()


async def prepare_databases(settings: HeavySettings, *, create_schema: bool) -> tuple[DatabaseUrls, bool]:
    """Make sure both databases answer; in DEV also create missing databases and tables.

    Returns the URLs and whether vector search is available. PRODUCTION never changes the schema:
    that is what ``heavy migrate up`` is for.
    """
    urls = await asyncio.to_thread(resolve_database_urls, settings)
    distinct_urls = dict.fromkeys((urls.sql, urls.vector))
    if not create_schema:
        for url in distinct_urls:
            await check_database(url)
        return urls, await vector_extension_installed(urls.vector)
    for url in distinct_urls:
        await create_database_if_missing(url)
    async with schema_lock(distinct_urls):  # workers and processes starting at once take turns
        vector_ok = await enable_vector_extension(urls.vector)
        await create_missing_tables(urls.sql, sql_metadata())
        if vector_ok:
            await create_missing_tables(urls.vector, vector_metadata())
    return urls, vector_ok


async def vector_extension_installed(url: str) -> bool:
    """Whether ``CREATE EXTENSION vector`` has been run in the database at ``url``."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'"))
    except _CONNECTION_ERRORS as error:
        raise database_error(url, error) from error
    finally:
        await engine.dispose()
    if not found:
        logger.warning(
            "vector search is off: no pgvector extension in the vector database (run heavy migrate up)"
        )
    return bool(found)


async def connect_redis(url: str) -> Redis:
    """A Redis client that has answered a PING, or DatabaseUnavailableError naming the URL."""
    client: Redis = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        raise DatabaseUnavailableError(f"cannot reach Redis at {mask_url(url)}: {error}") from error
    return client


def _is_local_url(url: str) -> bool:
    """True when every host ``url`` names is this machine. ``host=`` in the query counts too: it is
    how libpq and asyncpg name a Unix socket folder (the embedded server's) or several servers."""
    parsed = make_url(url)
    query_hosts = parsed.query.get("host", ())
    hosts = [parsed.host or "", *([query_hosts] if isinstance(query_hosts, str) else query_hosts)]
    return all(_is_local_host(host.strip()) for entry in hosts for host in entry.split(","))


def _is_local_host(host: str) -> bool:
    if host.startswith("/"):  # a Unix socket folder
        return True
    if host.startswith("["):  # [::1] or [::1]:5432
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:  # host:port
        host = host.partition(":")[0]
    if host in ("", "localhost"):  # no host: the default Unix socket
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
