"""Fixtures shared by every suite: one embedded PostgreSQL per test session, settings that point
at it, per-test database sessions rolled back at the end, and the running app."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.config import HeavySettings, env_prefix, load_settings
from heavy.data.database_setup import DatabaseUrls, create_engine, prepare_databases
from heavy.data.db_connection import db_session_var, vector_db_session_var
from heavy.data.embedded_postgres import (
    EmbeddedPostgres,
    embedded_postgres,
    stop_embedded_postgres,
)
from tests.support.servers import ServerProcess, heavy_server

pytest_plugins = ["tests.support.browser"]  # Chromium fixtures for the browser suites of both packages


def _remove_shell_settings() -> None:
    """Tests are hermetic: the developer's shell settings must not leak in."""
    for name in [name for name in os.environ if name.startswith(env_prefix())]:
        del os.environ[name]


_remove_shell_settings()


def pytest_configure(config: pytest.Config) -> None:
    _remove_shell_settings()  # again for each run of the test daemon, which reuses this process


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    """Outside pytest's temp root on purpose: a nested pytest session (the test daemon's tests, a
    generated project's tests) resets that root to mode 0700, and the embedded PostgreSQL runs as
    another user when we are root, so it would lose its own data folder mid-run."""
    path = Path(tempfile.mkdtemp(prefix="heavy-test-data-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def embedded_server(data_dir: Path) -> Iterator[EmbeddedPostgres]:
    """The session's embedded PostgreSQL; stopped at the end (after every server using it)."""
    server = embedded_postgres(data_dir)
    yield server
    stop_embedded_postgres(data_dir)


@pytest.fixture(scope="session")
def settings(data_dir: Path, embedded_server: EmbeddedPostgres) -> HeavySettings:
    """DEV settings on the session's embedded database, ignoring any .env file."""
    return load_settings(_env_file=None, data_dir=data_dir)


@pytest.fixture(scope="session")
def server_env(data_dir: Path, embedded_server: EmbeddedPostgres) -> dict[str, str]:
    """Environment for a ``heavy`` subprocess that shares the session's embedded database."""
    return {f"{env_prefix()}DATA_DIR": str(data_dir), f"{env_prefix()}ENVIRONMENT": "DEV"}


@pytest.fixture(scope="session")
async def database_urls(settings: HeavySettings) -> DatabaseUrls:
    urls, vector_ok = await prepare_databases(settings, create_schema=True)
    assert vector_ok, "the embedded PostgreSQL ships pgvector"
    return urls


@pytest.fixture(scope="session")
async def sql_engine(database_urls: DatabaseUrls) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_urls.sql)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def vector_engine(database_urls: DatabaseUrls) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_urls.vector)
    yield engine
    await engine.dispose()


@asynccontextmanager
async def _rolled_back_session(
    engine: AsyncEngine, session_var: ContextVar[AsyncSession | None]
) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is always rolled back; commits become savepoints."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        token = session_var.set(session)
        try:
            yield session
        finally:
            session_var.reset(token)
            await session.close()
            await transaction.rollback()


@pytest.fixture
async def db_session(sql_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the SQL database, set as the current one; everything is rolled back after the test."""
    async with _rolled_back_session(sql_engine, db_session_var) as session:
        yield session


@pytest.fixture
async def vector_db_session(vector_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """Like ``db_session``, on the vector database."""
    async with _rolled_back_session(vector_engine, vector_db_session_var) as session:
        yield session


@pytest.fixture(scope="session")
def live_server(
    server_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """``heavy run`` in a subprocess on a free port, sharing the session's embedded database."""
    log_path = tmp_path_factory.mktemp("live-server") / "server.log"
    with heavy_server(["run"], server_env, log_path) as server:
        yield server
