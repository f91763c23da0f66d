"""Every state store backend keeps the same promises against its real server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from sanic import HTTPResponse, Request, Sanic, empty
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.config import HeavySettings
from heavy.data.db_connection import make_sessionmaker
from heavy.realtime.recovery_service import register_state_recovery
from heavy.realtime.state_store import (
    MemoryStateStore,
    PostgresStateStore,
    RedisStateStore,
    RefusedSnapshot,
    SnapshotLimits,
    SnapshotTooLarge,
    StateStore,
)
from heavy.web.lifecycle import register_database_lifecycle
from tests.support.external_services import require_external_redis
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

SIGNING_KEY = b"s" * 32
MakeStore = Callable[[SnapshotLimits], StateStore]


@pytest.fixture(params=["memory", "postgres", "redis"])
async def make_store(request: pytest.FixtureRequest, sql_engine: AsyncEngine) -> AsyncIterator[MakeStore]:
    redis: Redis | None = None

    def make(limits: SnapshotLimits) -> StateStore:
        if request.param == "memory":
            return MemoryStateStore(SIGNING_KEY, limits)
        if request.param == "postgres":
            return PostgresStateStore(make_sessionmaker(sql_engine), SIGNING_KEY, limits)
        assert redis is not None
        return RedisStateStore(redis, SIGNING_KEY, limits)

    if request.param == "redis":
        redis = Redis.from_url(require_external_redis())
    yield make
    if redis is not None:
        await redis.aclose()


def unique_key() -> str:
    return uuid.uuid4().hex


class TestStateStores:
    async def test_round_trip_and_overwrite(self, make_store: MakeStore) -> None:
        store = make_store(SnapshotLimits())
        key = unique_key()

        await store.save(key, b"first")
        await store.save(key, b"second")

        assert await store.load(key) == b"second"

    async def test_expired_entries_are_refused(self, make_store: MakeStore) -> None:
        store = make_store(SnapshotLimits(ttl=timedelta(seconds=-5)))
        key = unique_key()
        try:
            await store.save(key, b"old")
        except Exception:
            pytest.skip("this backend refuses to store an already-expired entry")

        loaded: bytes | str | None
        try:
            loaded = await store.load(key)
        except RefusedSnapshot as refused:
            loaded = refused.reason
        assert loaded in (None, "expired")

    async def test_size_cap(self, make_store: MakeStore) -> None:
        store = make_store(SnapshotLimits(max_bytes=1024))

        with pytest.raises(SnapshotTooLarge):
            await store.save(unique_key(), b"x" * 2000)

    async def test_an_entry_over_a_lowered_cap_is_refused_on_load(self, make_store: MakeStore) -> None:
        store = make_store(SnapshotLimits(max_bytes=4096))
        key = unique_key()
        await store.save(key, b"x" * 2000)

        store.limits = SnapshotLimits(max_bytes=1024)  # STATE_MAX_BYTES lowered since it was saved

        with pytest.raises(RefusedSnapshot) as refused:
            await store.load(key)
        assert refused.value.reason == "2000 bytes is over the 1024-byte cap (STATE_MAX_BYTES)"

    async def test_delete(self, make_store: MakeStore) -> None:
        store = make_store(SnapshotLimits())
        key = unique_key()
        await store.save(key, b"x")

        await store.delete(key)

        assert await store.load(key) is None


class TestPostgresStateStore:
    async def test_sweeping_removes_expired_rows(self, sql_engine: AsyncEngine) -> None:
        sessionmaker = make_sessionmaker(sql_engine)
        key = unique_key()
        await PostgresStateStore(sessionmaker, SIGNING_KEY, SnapshotLimits(ttl=timedelta(seconds=-5))).save(
            key, b"x"
        )

        await PostgresStateStore(sessionmaker, SIGNING_KEY, SnapshotLimits()).sweep_expired()

        async with sql_engine.connect() as connection:
            assert (
                await connection.scalar(
                    text("SELECT count(*) FROM ui_state_snapshots WHERE key = :k"), {"k": key}
                )
                == 0
            )


async def snapshot_count(sql_engine: AsyncEngine, key: str) -> int:
    async with sql_engine.connect() as connection:
        count = await connection.scalar(
            text("SELECT count(*) FROM ui_state_snapshots WHERE key = :k"), {"k": key}
        )
    return int(count or 0)


async def wait_until_swept(sql_engine: AsyncEngine, key: str) -> None:
    async with asyncio.timeout(10):
        while await snapshot_count(sql_engine, key):  # noqa: ASYNC110 (polling another system)
            await asyncio.sleep(0.05)


async def answer_empty(_request: Request) -> HTTPResponse:
    return empty()


class TestRegisteredStateRecovery:
    async def test_the_app_sweeps_expired_snapshots_while_it_runs_and_stops_sweeping_at_shutdown(
        self, settings: HeavySettings, sql_engine: AsyncEngine
    ) -> None:
        app = Sanic("state_sweeper", configure_logging=False)
        app.add_route(answer_empty, "/")  # Sanic serves no app without a route
        register_database_lifecycle(app, settings)
        register_state_recovery(app, settings, sweep_interval_seconds=0.1)
        sessionmaker = make_sessionmaker(sql_engine)
        expired = PostgresStateStore(sessionmaker, SIGNING_KEY, SnapshotLimits(ttl=timedelta(seconds=-5)))
        current = PostgresStateStore(sessionmaker, SIGNING_KEY, SnapshotLimits())
        first, second, kept = unique_key(), unique_key(), unique_key()

        async with serve_in_process(app):
            await current.save(kept, b"still valid")
            await expired.save(first, b"x")
            await wait_until_swept(sql_engine, first)
            await expired.save(second, b"x")  # only a later sweep can remove this one
            await wait_until_swept(sql_engine, second)

        assert app.ctx.state_sweeper.cancelled()
        assert await snapshot_count(sql_engine, kept) == 1
