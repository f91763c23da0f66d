"""The session store contract, run against the embedded PostgreSQL, the machine's own PostgreSQL
(the "configured URL" path) and Redis alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.sessions import (
    CachedSessionStore,
    PostgresSessionStore,
    RedisSessionStore,
    SessionStore,
    hash_session_id,
    new_session_id,
)
from heavy.data.database_setup import create_engine, create_missing_tables
from heavy.data.db_connection import SessionMaker, make_sessionmaker
from heavy.data.metadata import sql_metadata
from heavy.migrations.scratch import scratch_database
from tests.factories import create_user_committed
from tests.support.external_services import require_external_postgres, require_external_redis

pytestmark = pytest.mark.slow

TTL = timedelta(hours=1)


@pytest.fixture(scope="module")
async def external_sessionmaker() -> AsyncIterator[SessionMaker]:
    """A scratch database with the app's tables on the machine's PostgreSQL; dropped afterwards."""
    server = make_url(require_external_postgres()).set(drivername="postgresql+asyncpg")
    async with scratch_database(server.render_as_string(hide_password=False)) as url:
        await create_missing_tables(url, sql_metadata())
        engine = create_engine(url)
        yield make_sessionmaker(engine)
        await engine.dispose()


@pytest.fixture(params=["embedded-postgres", "external-postgres", "redis"])
def store_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_sessionmaker(
    store_backend: str, request: pytest.FixtureRequest, sql_sessionmaker: SessionMaker
) -> SessionMaker:
    """The database of the store's users (and, on PostgreSQL, of its sessions, which refer to them)."""
    if store_backend == "external-postgres":
        external: SessionMaker = request.getfixturevalue("external_sessionmaker")
        return external
    return sql_sessionmaker


@pytest.fixture
async def store(store_backend: str, store_sessionmaker: SessionMaker) -> AsyncIterator[SessionStore]:
    if store_backend != "redis":
        yield PostgresSessionStore(store_sessionmaker, TTL)
        return
    redis: Redis = Redis.from_url(require_external_redis())
    yield RedisSessionStore(redis, TTL)
    await redis.aclose()


@pytest.fixture
async def store_user_id(store_sessionmaker: SessionMaker) -> UUID:
    return await create_user_committed(store_sessionmaker)


@pytest.fixture
async def user_id(sql_sessionmaker: SessionMaker) -> UUID:
    return await create_user_committed(sql_sessionmaker)


class TestSessionStore:
    async def test_a_created_session_is_found_by_its_id(
        self, store: SessionStore, store_user_id: UUID
    ) -> None:
        session = await store.create(store_user_id)

        found = await store.get(session.id)

        assert found is not None
        assert found.user_id == store_user_id
        assert found.expires_at > datetime.now(UTC) + TTL - timedelta(minutes=1)

    async def test_ids_are_unguessable_and_distinct(self, store: SessionStore, store_user_id: UUID) -> None:
        ids = {(await store.create(store_user_id)).id for _ in range(5)}

        assert len(ids) == 5
        assert all(len(session_id) >= 43 for session_id in ids)

    async def test_a_forged_id_is_rejected(self, store: SessionStore, store_user_id: UUID) -> None:
        await store.create(store_user_id)

        assert await store.get(new_session_id()) is None
        assert await store.get("not-a-session") is None
        assert await store.get("'; DROP TABLE login_sessions; --" * 3) is None

    async def test_a_deleted_session_is_gone(self, store: SessionStore, store_user_id: UUID) -> None:
        session = await store.create(store_user_id)

        await store.delete(session.id)

        assert await store.get(session.id) is None

    async def test_rotation_gives_a_new_id_and_kills_the_old_one(
        self, store: SessionStore, store_user_id: UUID
    ) -> None:
        old = await store.create(store_user_id)

        new = await store.rotate(old.id, store_user_id)

        assert new.id != old.id
        assert await store.get(old.id) is None
        assert await store.get(new.id) is not None

    async def test_an_expired_session_is_rejected(self, store: SessionStore, store_user_id: UUID) -> None:
        expired_store = type(store).__new__(type(store))
        expired_store.__dict__.update(store.__dict__)
        expired_store.ttl = timedelta(seconds=-1)

        session = await expired_store.create(store_user_id)

        assert await store.get(session.id) is None


class TestPostgresSessionStore:
    async def test_only_the_hash_of_the_id_is_stored(
        self, sql_sessionmaker: SessionMaker, sql_engine: AsyncEngine, user_id: UUID
    ) -> None:
        session = await PostgresSessionStore(sql_sessionmaker, TTL).create(user_id)

        async with sql_engine.connect() as connection:
            stored = set((await connection.scalars(text("SELECT id_hash FROM login_sessions"))).all())

        assert hash_session_id(session.id) in stored
        assert session.id not in stored

    async def test_sweeping_deletes_only_expired_sessions(
        self, sql_sessionmaker: SessionMaker, user_id: UUID
    ) -> None:
        live_store = PostgresSessionStore(sql_sessionmaker, TTL)
        expired_store = PostgresSessionStore(sql_sessionmaker, timedelta(seconds=-1))
        live = await live_store.create(user_id)
        expired = await expired_store.create(user_id)

        swept = await live_store.sweep_expired()

        assert swept >= 1
        assert await live_store.get(live.id) is not None
        assert await live_store._load(hash_session_id(expired.id)) is None


class TestRedisSessionStore:
    async def test_keys_expire_with_the_session(self, redis: Redis, user_id: UUID) -> None:
        store = RedisSessionStore(redis, TTL)
        session = await store.create(user_id)

        ttl = await redis.ttl(store.key_prefix + hash_session_id(session.id))

        assert TTL.total_seconds() - 5 < ttl <= TTL.total_seconds() + 1

    async def test_a_malformed_entry_is_treated_as_no_session(self, redis: Redis) -> None:
        store = RedisSessionStore(redis, TTL)
        session_id = new_session_id()
        await redis.set(store.key_prefix + hash_session_id(session_id), b"{not json", ex=60)

        assert await store.get(session_id) is None


class TestCachedSessionStore:
    async def test_answers_from_memory_within_the_cache_time(
        self, sql_sessionmaker: SessionMaker, user_id: UUID
    ) -> None:
        backend = PostgresSessionStore(sql_sessionmaker, TTL)
        cached = CachedSessionStore(backend, cache_seconds=60)
        session = await cached.create(user_id)

        await backend.delete(session.id)  # as if another worker logged it out

        assert await cached.get(session.id) is not None, "still cached"
        assert await CachedSessionStore(backend, cache_seconds=0).get(session.id) is None

    async def test_a_delete_through_the_cache_is_immediate(
        self, sql_sessionmaker: SessionMaker, user_id: UUID
    ) -> None:
        cached = CachedSessionStore(PostgresSessionStore(sql_sessionmaker, TTL), cache_seconds=60)
        session = await cached.create(user_id)
        assert await cached.get(session.id) is not None

        await cached.delete(session.id)

        assert await cached.get(session.id) is None
