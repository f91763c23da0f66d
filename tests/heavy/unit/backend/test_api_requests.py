"""open_heavy_context: fresh sessions per call, nothing kept that was not committed, no connection
held afterwards, and objects detached so the next event's session can take them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_model import UserId
from heavy.accounts.user_mungers import UserSQLModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.data.db_connection import make_sessionmaker
from heavy.web.api_requests import open_heavy_context

NAMES = ("Uncommitted Una", "Detached Dora")


@pytest.fixture
def request_ctx(sql_engine: AsyncEngine, vector_engine: AsyncEngine) -> SimpleNamespace:
    """What the middleware puts on ``request.ctx``."""
    return SimpleNamespace(
        sessionmaker=make_sessionmaker(sql_engine), vector_sessionmaker=make_sessionmaker(vector_engine)
    )


def connections_checked_out(*engines: AsyncEngine) -> int:
    return sum(engine.sync_engine.pool.checkedout() for engine in engines)  # type: ignore[attr-defined]


async def count_users_named(engine: AsyncEngine, name: str) -> int:
    async with engine.connect() as connection:
        count = await connection.scalar(
            text("SELECT count(*) FROM users WHERE display_name = :n"), {"n": name}
        )
    return int(count or 0)


class TestOpenHeavyContext:
    async def test_a_write_that_was_not_committed_is_rolled_back(
        self, request_ctx: SimpleNamespace, sql_engine: AsyncEngine
    ) -> None:
        async with open_heavy_context(request_ctx) as context:
            await UserManager(UserSQLModelMunger()).create_user(display_name="Uncommitted Una")
            assert context.db_session.in_transaction()

        assert await count_users_named(sql_engine, "Uncommitted Una") == 0

    async def test_objects_of_a_committed_context_are_detached_for_the_next_session(
        self, request_ctx: SimpleNamespace, sql_engine: AsyncEngine
    ) -> None:
        async with open_heavy_context(request_ctx) as context:
            user = await UserManager(UserSQLModelMunger()).create_user(display_name="Detached Dora")
            await context.db_session.commit()

        state = inspect(user)
        assert state is not None
        assert state.detached
        async with open_heavy_context(request_ctx) as context:
            context.db_session.add(user)  # would fail if the first session still held it
            assert await UserRepository().get_user(UserId(user.id)) is user

    async def test_no_connection_is_held_after_a_context_that_read(
        self, request_ctx: SimpleNamespace, sql_engine: AsyncEngine, vector_engine: AsyncEngine
    ) -> None:
        before = connections_checked_out(sql_engine, vector_engine)
        async with open_heavy_context(request_ctx) as context:
            await context.db_session.connection()  # what any query does first
            await context.vector_db_session.connection()
            assert connections_checked_out(sql_engine, vector_engine) == before + 2

        assert connections_checked_out(sql_engine, vector_engine) == before
        assert not context.db_session.in_transaction()
        assert not context.vector_db_session.in_transaction()

    async def test_a_context_that_sends_no_sql_takes_no_connection(
        self, request_ctx: SimpleNamespace, sql_engine: AsyncEngine, vector_engine: AsyncEngine
    ) -> None:
        before = connections_checked_out(sql_engine, vector_engine)
        async with open_heavy_context(request_ctx) as context:
            pass

        assert connections_checked_out(sql_engine, vector_engine) == before
        assert not context.db_session.in_transaction()

    async def test_each_context_gets_fresh_sessions(self, request_ctx: SimpleNamespace) -> None:
        async with open_heavy_context(request_ctx) as first, open_heavy_context(request_ctx) as second:
            assert first.db_session is not second.db_session
            assert first.vector_db_session is not second.vector_db_session


@pytest.fixture(autouse=True)
async def _clean_users(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM users WHERE display_name IN ('Uncommitted Una', 'Detached Dora')")
        )
