"""State survives a server restart and a move to another worker process, over ``heavy run``."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.realtime.stream_client import StreamClientContext
from tests.heavy.integration.realtime.conftest import Tab
from tests.support.external_services import require_external_redis
from tests.support.servers import heavy_server

pytestmark = pytest.mark.slow


def open_landing_page(tab: Tab, base_url: str) -> StreamClientContext:
    return tab.open(base_url, with_router=True)


async def click_counter(tab: Tab, base_url: str, times: int) -> None:
    async with open_landing_page(tab, base_url) as client:
        await client.wait_for_element("counter-button")
        for _ in range(times):
            await client.click("counter-button")
        await client.wait_for_text("counter-button", f"Clicked {times} times")


async def snapshot_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT count(*) FROM ui_state_snapshots")) or 0)


async def wait_for_a_new_snapshot(engine: AsyncEngine, before: int) -> None:
    async with asyncio.timeout(10):
        while await snapshot_count(engine) <= before:  # noqa: ASYNC110 (polling another system)
            await asyncio.sleep(0.05)


class TestAcrossProcesses:
    async def test_state_survives_stopping_and_starting_the_server(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        tab = Tab()
        with heavy_server(["run"], server_env, tmp_path / "first.log") as server:
            await click_counter(tab, server.base_url, 3)

        with heavy_server(["run"], server_env, tmp_path / "second.log") as server:
            async with open_landing_page(tab, server.base_url) as client:
                await client.wait_for_text("counter-button", "Clicked 3 times")

    async def test_state_follows_the_tab_to_another_worker_when_its_worker_dies(
        self, server_env: dict[str, str], tmp_path: Path, sql_engine: AsyncEngine
    ) -> None:
        tab = Tab()
        with (
            heavy_server(["run"], server_env, tmp_path / "a.log") as worker_a,
            heavy_server(["run"], server_env, tmp_path / "b.log") as worker_b,
        ):
            before = await snapshot_count(sql_engine)
            async with open_landing_page(tab, worker_a.base_url) as client:
                await client.wait_for_element("counter-button")
                await client.click("counter-button")
                await client.click("counter-button")
                await client.wait_for_text("counter-button", "Clicked 2 times")
                await wait_for_a_new_snapshot(sql_engine, before)
                worker_a.stop(signal.SIGKILL)  # no goodbye: only what was already saved counts

            async with open_landing_page(tab, worker_b.base_url) as client:
                await client.wait_for_text("counter-button", "Clicked 2 times")

    async def test_with_redis_the_state_follows_the_tab_too(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        env = {**server_env, "HEAVY_STACK_REDIS_URL": require_external_redis()}
        tab = Tab()
        with (
            heavy_server(["run"], env, tmp_path / "a.log") as worker_a,
            heavy_server(["run"], env, tmp_path / "b.log") as worker_b,
        ):
            await click_counter(tab, worker_a.base_url, 4)
            worker_a.stop(signal.SIGTERM)

            async with open_landing_page(tab, worker_b.base_url) as client:
                await client.wait_for_text("counter-button", "Clicked 4 times")
