"""In Chromium: the landing page's state (a counter, a typed value, an expanded section) comes back
after a dropped websocket, a server restart, and a move to another worker."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.browser import open_app
from tests.support.external_services import require_external_redis
from tests.support.servers import ServerProcess, free_port, heavy_server
from tests.support.tcp_proxy import tcp_proxy

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Keeps every stream socket the page opens, so a test can drop them (the page's own scripts wrap
# WebSocket after this, so this wrapper sees the sockets ReactPy opens).
TRACK_SOCKETS = """
(() => {
    const Native = window.WebSocket;
    window.__streamSockets = [];
    window.WebSocket = function (url, protocols) {
        const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
        window.__streamSockets.push(socket);
        return socket;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""
RECONNECT_SECONDS = 30_000  # ms: the client's first retry is after 0.75 s; a restart takes longer


async def change_the_landing_page(page: Page) -> None:
    await page.click("#counter-button")
    await page.click("#counter-button")
    await expect(page.locator("#counter-button")).to_have_text("Clicked 2 times")
    await page.fill("#new-document", "a typed value")
    await page.click("#click-flow-toggle")
    await expect(page.locator("#click-flow-toggle")).to_have_attribute("aria-expanded", "true")
    await expect(page.locator("#new-document")).to_have_value("a typed value")


async def expect_the_state_back(page: Page) -> None:
    await expect(page.locator("#counter-button")).to_have_text("Clicked 2 times", timeout=RECONNECT_SECONDS)
    await expect(page.locator("#new-document")).to_have_value("a typed value")
    await expect(page.locator("#click-flow-toggle")).to_have_attribute("aria-expanded", "true")


async def expect_reconnected_to(page: Page, sockets_before: int) -> None:
    await page.wait_for_function(
        f"() => window.__streamSockets.length > {sockets_before} && "
        "window.__streamSockets[window.__streamSockets.length - 1].readyState === 1",
        timeout=RECONNECT_SECONDS,
    )


async def saved_snapshots(store: str, sql_engine: AsyncEngine) -> list[bytes]:
    """Every sealed snapshot in the store (the payload after the seal is plain JSON)."""
    if store == "redis":
        redis: Redis = Redis.from_url(require_external_redis())
        try:
            keys = await redis.keys("heavy_stack:ui_state:*")
            values = await redis.mget(keys) if keys else []
            return [value.encode() if isinstance(value, str) else value for value in values if value]
        finally:
            await redis.aclose()
    async with sql_engine.connect() as connection:
        return [
            bytes(row) for row in (await connection.scalars(text("SELECT snapshot FROM ui_state_snapshots")))
        ]


async def wait_until_saved(store: str, sql_engine: AsyncEngine) -> None:
    """Until some snapshot holds everything change_the_landing_page did (it is written within ~1 s)."""
    wanted = (
        b"a typed value",
        b'CounterSection","states":{"0":2}',
        b'ExpandableSection","states":{"0":true}',
    )
    async with asyncio.timeout(15):
        while not any(  # noqa: ASYNC110 (polling another system)
            all(part in snapshot for part in wanted) for snapshot in await saved_snapshots(store, sql_engine)
        ):
            await asyncio.sleep(0.1)


class TestDroppedConnection:
    async def test_state_is_back_after_the_websocket_drops(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        await page.add_init_script(TRACK_SOCKETS)
        await open_app(page, live_server.base_url, "#counter-button")
        await change_the_landing_page(page)
        sockets = await page.evaluate("window.__streamSockets.length")

        await page.evaluate("window.__streamSockets.forEach((socket) => socket.close())")

        await expect_reconnected_to(page, sockets)
        await expect_the_state_back(page)

    async def test_a_reload_of_the_tab_keeps_its_state(self, page: Page, live_server: ServerProcess) -> None:
        await open_app(page, live_server.base_url, "#counter-button")
        await change_the_landing_page(page)

        await page.reload()

        await expect_the_state_back(page)

    async def test_a_new_tab_starts_fresh(self, page: Page, live_server: ServerProcess) -> None:
        await open_app(page, live_server.base_url, "#counter-button")
        await change_the_landing_page(page)

        other_tab = await page.context.new_page()
        await open_app(other_tab, live_server.base_url, "#counter-button")

        await expect(other_tab.locator("#counter-button")).to_have_text("Clicked 0 times")


class TestServerRestart:
    async def test_state_is_back_after_the_server_restarts(
        self, page: Page, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        port = free_port()
        await page.add_init_script(TRACK_SOCKETS)
        with heavy_server(["run"], server_env, tmp_path / "first.log", port=port) as server:
            await open_app(page, server.base_url, "#counter-button")
            await change_the_landing_page(page)
            sockets = await page.evaluate("window.__streamSockets.length")

        with heavy_server(["run"], server_env, tmp_path / "second.log", port=port):
            await expect_reconnected_to(page, sockets)
            await expect_the_state_back(page)


class TestAnotherWorker:
    @pytest.mark.parametrize("store", ["postgres", "redis"])
    async def test_state_follows_the_tab_when_its_worker_dies(
        self, page: Page, server_env: dict[str, str], tmp_path: Path, store: str, sql_engine: AsyncEngine
    ) -> None:
        env = dict(server_env)
        if store == "redis":
            env["HEAVY_STACK_REDIS_URL"] = require_external_redis()
        await page.add_init_script(TRACK_SOCKETS)
        with (
            heavy_server(["run"], env, tmp_path / "a.log") as worker_a,
            heavy_server(["run"], env, tmp_path / "b.log") as worker_b,
        ):
            async with tcp_proxy([worker_a.port, worker_b.port]) as balancer_url:
                await open_app(page, balancer_url, "#counter-button")
                await change_the_landing_page(page)
                await wait_until_saved(store, sql_engine)
                sockets = await page.evaluate("window.__streamSockets.length")

                worker_a.stop(signal.SIGKILL)  # no goodbye: only what was saved counts

                await expect_reconnected_to(page, sockets)
                await expect_the_state_back(page)
                assert worker_b.process.poll() is None
