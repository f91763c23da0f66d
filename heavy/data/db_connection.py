"""The database engines of this process, and the session of the event being handled right now.

Repositories never open sessions: they read :data:`db_session_var` (or
:data:`vector_db_session_var` for the vector database), which ``heavy_event`` /
``heavy_use_effect`` set to a fresh session for each call, and the ``db_session`` test fixture
sets for each test. A second database is just a second engine, sessionmaker and context variable,
as the vector database shows here.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.config import HeavySettings
from heavy.data.database_setup import (
    DatabaseUrls,
    connect_redis,
    create_engine,
    prepare_databases,
)

logger = logging.getLogger(__name__)

db_session_var: ContextVar[AsyncSession | None] = ContextVar("heavy_db_session", default=None)
vector_db_session_var: ContextVar[AsyncSession | None] = ContextVar("heavy_vector_db_session", default=None)

SessionMaker = async_sessionmaker[AsyncSession]


@dataclass
class DatabaseConnections:
    """Engines and session factories for the SQL and vector databases of one process."""

    urls: DatabaseUrls
    sql_engine: AsyncEngine
    vector_engine: AsyncEngine
    sessionmaker: SessionMaker
    vector_sessionmaker: SessionMaker
    vector_search_available: bool
    redis: Redis | None = None

    async def ping(self) -> dict[str, str]:
        """``{"database": "ok" | error, "vector_database": ...}`` for the health endpoint."""
        report = {}
        for name, engine in (("database", self.sql_engine), ("vector_database", self.vector_engine)):
            try:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                report[name] = "ok"
            except Exception as error:
                report[name] = f"unreachable: {type(error).__name__}"
        if self.redis is not None:
            try:
                await self.redis.ping()
                report["redis"] = "ok"
            except Exception as error:
                report["redis"] = f"unreachable: {type(error).__name__}"
        return report

    async def close(self) -> None:
        await self.sql_engine.dispose()
        if self.vector_engine is not self.sql_engine:
            await self.vector_engine.dispose()
        if self.redis is not None:
            await self.redis.aclose()


def make_sessionmaker(engine: AsyncEngine) -> SessionMaker:
    # expire_on_commit=False: rows stay readable after commit without another round trip.
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def open_database_connections(settings: HeavySettings) -> DatabaseConnections:
    """Prepare the databases and open this process's engines."""
    urls, vector_ok = await prepare_databases(settings, create_schema=settings.is_dev)
    redis = await connect_redis(settings.redis_url) if settings.redis_url else None
    sql_engine = create_engine(urls.sql, pool_pre_ping=True)
    vector_engine = sql_engine if urls.vector == urls.sql else create_engine(urls.vector, pool_pre_ping=True)
    return DatabaseConnections(
        urls=urls,
        sql_engine=sql_engine,
        vector_engine=vector_engine,
        sessionmaker=make_sessionmaker(sql_engine),
        vector_sessionmaker=make_sessionmaker(vector_engine),
        vector_search_available=vector_ok,
        redis=redis,
    )
