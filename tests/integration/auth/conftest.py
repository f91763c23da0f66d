"""Both login stores against the real servers: the session's PostgreSQL and the machine's Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy_stack.backend.data.db_connection import SessionMaker, make_sessionmaker
from tests.support.external_services import require_external_redis


@pytest.fixture(scope="session")
def sql_sessionmaker(sql_engine: AsyncEngine) -> SessionMaker:
    return make_sessionmaker(sql_engine)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(require_external_redis())
    yield client
    await client.aclose()
