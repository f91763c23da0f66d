"""Both login stores against the real servers: the session's PostgreSQL and the machine's Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.data.db_connection import SessionMaker, make_sessionmaker
from tests.support.external_services import require_external_redis


@pytest.fixture(scope="session")
def sql_sessionmaker(sql_engine: AsyncEngine) -> SessionMaker:
    return make_sessionmaker(sql_engine)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(require_external_redis())
    yield client
    await client.aclose()


@pytest.fixture(autouse=True)
async def forget_attempts_from_this_machine(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    """HTTP tests all come from 127.0.0.1: one test's failed logins and sign-ups must not block
    another's."""
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM login_attempts WHERE key IN ('address:127.0.0.1', 'signup:127.0.0.1')")
        )
