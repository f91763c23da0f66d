"""heavy_event / heavy_use_effect over a real websocket: a fresh session per call, explicit commits,
failures contained. Each test serves a tiny app of its own through create_app(root=...)."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import reactpy
from reactpy import component, html, use_state
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_mungers import UserModelMunger
from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.data.db_connection import db_session_var
from heavy.realtime.reactpy_patches import UnwrappedHookError
from heavy.realtime.stream_client import StreamClient
from heavy.ui.reactpy_util import heavy_event, heavy_use_effect
from heavy.ui.types import Component
from heavy.web.api_requests import HeavyContext
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

_app_numbers = itertools.count()


@pytest.fixture
def serve(settings: HeavySettings) -> Callable[[Callable[[], Any]], Any]:
    """``async with serve(Root) as base_url``: the real app stack with ``Root`` as its page."""

    def start(root: Callable[[], Any]) -> Any:
        return serve_in_process(create_app(settings, name=f"heavy_handlers_{next(_app_numbers)}", root=root))

    return start


async def count_users_named(engine: AsyncEngine, name: str) -> int:
    async with engine.connect() as connection:
        count = await connection.scalar(
            text("SELECT count(*) FROM users WHERE display_name = :n"), {"n": name}
        )
    return int(count or 0)


class TestHeavyEvent:
    async def test_a_committed_write_is_stored_and_shown(self, serve: Any, sql_engine: AsyncEngine) -> None:
        @component
        def Root() -> Component:
            names, set_names = use_state(tuple[str, ...]())

            async def create(context: HeavyContext, _event: dict[str, Any]) -> None:
                user = await UserManager(UserModelMunger()).create_user(display_name="Committed Carol")
                await context.db_session.commit()
                set_names(lambda current: (*current, user.display_name))

            return html.div(
                html.button({"id": "create", "on_click": heavy_event(create)}, "create"),
                html.ul({"id": "names"}, [html.li({"key": name}, name) for name in names]),
            )

        async with serve(Root) as base_url, StreamClient.open(base_url, with_router=False) as client:
            await client.wait_for_element("create")
            await client.click("create")
            await client.wait_for_text("names", "Committed Carol")

        assert await count_users_named(sql_engine, "Committed Carol") == 1

    async def test_a_handler_that_forgets_to_commit_leaves_nothing(
        self, serve: Any, sql_engine: AsyncEngine
    ) -> None:
        @component
        def Root() -> Component:
            status, set_status = use_state("idle")

            async def create_without_commit(context: HeavyContext, _event: dict[str, Any]) -> None:
                await UserManager(UserModelMunger()).create_user(display_name="Forgotten Fred")
                set_status("done")

            return html.button({"id": "forget", "on_click": heavy_event(create_without_commit)}, status)

        async with serve(Root) as base_url, StreamClient.open(base_url, with_router=False) as client:
            await client.wait_for_element("forget")
            await client.click("forget")
            await client.wait_for_text("forget", "done")

        assert await count_users_named(sql_engine, "Forgotten Fred") == 0

    async def test_concurrent_handlers_on_one_connection_get_different_sessions(self, serve: Any) -> None:
        sessions_seen: list[int] = []
        both_running = asyncio.Barrier(2)

        @component
        def Root() -> Component:
            finished, set_finished = use_state(0)

            async def slow_handler(context: HeavyContext, _event: dict[str, Any]) -> None:
                assert db_session_var.get() is context.db_session
                sessions_seen.append(id(context.db_session))
                await asyncio.wait_for(both_running.wait(), 5)  # both calls are in flight together
                assert db_session_var.get() is context.db_session, "each call keeps its own session"
                set_finished(lambda count: count + 1)

            return html.button({"id": "slow", "on_click": heavy_event(slow_handler)}, f"{finished}")

        async with serve(Root) as base_url, StreamClient.open(base_url, with_router=False) as client:
            await client.wait_for_element("slow")
            await asyncio.gather(client.click("slow"), client.click("slow"))
            await client.wait_for_text("slow", "2")

        assert len(sessions_seen) == 2
        assert len(set(sessions_seen)) == 2

    async def test_a_failing_handler_is_logged_by_name_and_the_connection_lives_on(
        self, serve: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        @component
        def Root() -> Component:
            count, set_count = use_state(0)

            async def broken(context: HeavyContext, _event: dict[str, Any]) -> None:
                raise RuntimeError("boom")

            return html.div(
                html.button({"id": "broken", "on_click": heavy_event(broken)}, "broken"),
                html.button(
                    {"id": "count", "on_click": heavy_event(lambda _: set_count(count + 1))}, f"{count}"
                ),
            )

        with caplog.at_level(logging.ERROR, logger="heavy.ui.reactpy_util"):
            async with serve(Root) as base_url, StreamClient.open(base_url, with_router=False) as client:
                await client.wait_for_element("broken")
                await client.click("broken")
                await client.click("count")
                await client.wait_for_text("count", "1")

        assert any("event handler" in r.getMessage() and "broken" in r.getMessage() for r in caplog.records)


class TestHeavyUseEffect:
    async def test_async_effect_without_dependencies_runs_once_with_a_session(self, serve: Any) -> None:
        runs: list[bool] = []

        @component
        def Root() -> Component:
            count, set_count = use_state(0)

            async def load(context: HeavyContext) -> None:
                runs.append(db_session_var.get() is context.db_session)

            heavy_use_effect(load)
            return html.button(
                {"id": "rerender", "on_click": heavy_event(lambda _: set_count(count + 1))}, f"{count}"
            )

        async with serve(Root) as base_url, StreamClient.open(base_url, with_router=False) as client:
            await client.wait_for_element("rerender")
            for expected in ("1", "2"):
                await client.click("rerender")
                await client.wait_for_text("rerender", expected)

        assert runs == [True]

    async def test_sync_effect_depends_on_closed_over_values_but_not_functions(self, serve: Any) -> None:
        seen: list[int] = []

        @component
        def Root() -> Component:
            count, set_count = use_state(0)
            other, set_other = use_state(0)

            def remember() -> None:
                seen.append(count)  # depends on count (a value); set_count is a function

            heavy_use_effect(remember)
            return html.div(
                html.button(
                    {"id": "count", "on_click": heavy_event(lambda _: set_count(count + 1))}, f"{count}"
                ),
                html.button(
                    {"id": "other", "on_click": heavy_event(lambda _: set_other(other + 1))}, f"{other}"
                ),
            )

        async with serve(Root) as base_url, StreamClient.open(base_url, with_router=False) as client:
            await client.wait_for_element("count")
            await client.click("other")
            await client.wait_for_text("other", "1")
            await client.click("count")
            await client.wait_for_text("count", "1")
            await asyncio.sleep(0.1)

        assert seen == [0, 1], "re-rendering for an unrelated value does not re-run the effect"


class TestReactPysOwnHooksPointToTheHeavyOnes:
    def test_reactpy_use_effect_names_heavy_use_effect(self) -> None:
        with pytest.raises(UnwrappedHookError, match="use heavy_use_effect"):
            reactpy.use_effect(lambda: None)

    def test_reactpy_event_names_heavy_event(self) -> None:
        with pytest.raises(UnwrappedHookError, match="use heavy_event"):
            reactpy.event(lambda _: None)


@pytest.fixture(autouse=True)
async def _clean_users(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM users WHERE display_name IN ('Committed Carol', 'Forgotten Fred')")
        )
