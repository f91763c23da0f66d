"""Two ``heavy run`` hosts behind Caddy (the runtime's Caddyfile), on one PostgreSQL and one Redis:
tabs opened through the proxy land on both hosts, a live message crosses between them, and when one
host is killed its tabs come back on the other with their state, no request fails, no row is lost.

The hosts serve a probe page (tests/support/multi_host_probe.py) that shows the pid serving it:
that is how a test knows where a tab landed. Tabs are the project's stream client (a real
websocket, through the proxy), cheaper than Chromium; one test uses Chromium, to see the page's own
client reconnect by itself. docs/scaling.md describes the setup.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import psutil
import pytest
from playwright.async_api import Page, expect
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.exceptions import ConnectionClosed

from heavy.app import APP_VARIABLE
from heavy.config import HeavySettings, env_prefix
from heavy.deploy.local_hosts import find_caddy, host_environment, is_healthy, start_caddy, stop_process
from heavy.realtime.state_store import REDIS_KEY_KIND
from heavy.realtime.stream_client import StreamClient
from heavy.realtime.tab_identity import BROWSER_COOKIE, TAB_QUERY_PARAMETER, state_key
from heavy.web.key_derivation import derive_key
from tests.heavy.integration.realtime.conftest import Tab
from tests.support.browser import PageWatch
from tests.support.external_services import require_external_redis
from tests.support.multi_host_probe import CREATE_NOTES_TABLE, NOTES_TABLE
from tests.support.servers import ServerProcess, free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

PROJECT_ROOT = Path(__file__).resolve().parents[4]
PROBE_APP = "tests.support.multi_host_probe:heavy_app"
START_SECONDS = 90.0  # two hosts start at once on a busy 2-core machine


@dataclass
class Cluster:
    hosts: list[ServerProcess]
    proxy_url: str

    def host_serving(self, pid: int) -> ServerProcess:
        return next(host for host in self.hosts if host.process.pid == pid)


@contextlib.contextmanager
def cluster(env: dict[str, str], log_dir: Path) -> Iterator[Cluster]:
    """Two probe hosts and Caddy in front, all on free loopback ports; everything stopped after."""
    host_env = host_environment(
        {**env, APP_VARIABLE: PROBE_APP, "PYTHONPATH": str(PROJECT_ROOT)}  # the probe app is under tests/
    )
    hosts = [ServerProcess(["run"], host_env, log_dir / f"host{n}.log") for n in (1, 2)]
    caddy: subprocess.Popen[bytes] | None = None
    caddy_log = (log_dir / "caddy.log").open("wb")
    try:
        for host in hosts:
            host.wait_until_healthy(START_SECONDS)
        port = free_port()
        upstreams = [f"127.0.0.1:{host.port}" for host in hosts]
        caddy = start_caddy(find_caddy(), port=port, upstreams=upstreams, output=caddy_log)
        proxy_url = f"http://127.0.0.1:{port}"
        wait_until(lambda: is_healthy(proxy_url), 15, f"Caddy at {proxy_url}")
        yield Cluster(hosts, proxy_url)
    finally:
        if caddy is not None:
            stop_process(caddy, timeout=10)
        caddy_log.close()
        for host in hosts:
            host.stop()  # SIGTERM to its session, SIGKILL if it lingers


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout:g} s")
        time.sleep(0.2)


@contextlib.asynccontextmanager
async def notes_table(engine: AsyncEngine) -> AsyncIterator[None]:
    async with engine.begin() as connection:
        await connection.execute(text(CREATE_NOTES_TABLE))
        await connection.execute(text(f"TRUNCATE {NOTES_TABLE}"))
    try:
        yield
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP TABLE IF EXISTS {NOTES_TABLE}"))


async def stored_notes(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return [str(body) for body in await connection.scalars(text(f"SELECT body FROM {NOTES_TABLE}"))]


def open_probe(tab: Tab, base_url: str) -> contextlib.AbstractAsyncContextManager[StreamClient]:
    return tab.open(base_url, with_router=False)


async def tabs_on_both_hosts(
    stack: contextlib.AsyncExitStack, proxy_url: str
) -> dict[int, tuple[Tab, StreamClient]]:
    """Open tabs through the proxy until one is on each host (round robin: two, unless a health
    check interleaves); extra tabs are closed."""
    tabs: dict[int, tuple[Tab, StreamClient]] = {}
    for _ in range(6):
        tab = Tab()
        client = await stack.enter_async_context(open_probe(tab, proxy_url))
        await client.wait_for_text("live", "following")
        pid = int(await host_pid(client))
        tabs.setdefault(pid, (tab, client))
        if len(tabs) == 2:
            return tabs
    raise AssertionError(f"six tabs through the proxy all landed on {sorted(tabs)}: no round robin")


async def host_pid(client: StreamClient) -> str:
    await client.wait_for_element("host")
    return client.text_of("host")


def redis_state_key(settings: HeavySettings, tab: Tab) -> str:
    """Where the hosts keep ``tab``'s UI state in Redis (the demo app's prefix, the DEV secret key)."""
    signing_key = derive_key("ui-state-key", secret=settings.secret_key.get_secret_value().encode())
    key = state_key(signing_key, browser_id=tab.browser_id, user_key="anonymous", tab_id=tab.tab_id)
    return f"heavy_stack:{REDIS_KEY_KIND}:{key}"


async def wait_for_new_snapshot(redis: Redis, key: str, before: bytes | str | None) -> None:
    async with asyncio.timeout(10):
        while await redis.get(key) == before:  # noqa: ASYNC110 (polling another system)
            await asyncio.sleep(0.05)


async def until_closed(client: StreamClient) -> None:
    async with asyncio.timeout(10):
        while True:
            await client.receive_update()


async def proxied_statuses(proxy_url: str, path: str, count: int) -> list[tuple[int, int | None]]:
    """(status, pid that answered /healthz or None) for ``count`` requests in a row."""
    answers: list[tuple[int, int | None]] = []
    async with httpx.AsyncClient(base_url=proxy_url, timeout=10) as http:
        for _ in range(count):
            response = await http.get(path)
            worker = (
                response.json().get("worker") if path == "/healthz" and response.status_code == 200 else None
            )
            answers.append((response.status_code, worker))
    return answers


@pytest.fixture
def redis_url() -> str:
    return require_external_redis()


class TestTwoHostsBehindCaddy:
    async def test_a_killed_host_s_tabs_move_to_the_other_with_state_and_data_and_no_request_fails(
        self,
        server_env: dict[str, str],
        settings: HeavySettings,
        sql_engine: AsyncEngine,
        redis_url: str,
        tmp_path: Path,
    ) -> None:
        env = {**server_env, f"{env_prefix()}REDIS_URL": redis_url}  # state, sessions, live: Redis
        redis = Redis.from_url(redis_url)
        async with notes_table(sql_engine), contextlib.AsyncExitStack() as tabs_stack:
            with cluster(env, tmp_path) as hosts:
                tabs = await tabs_on_both_hosts(tabs_stack, hosts.proxy_url)
                (pid_a, (tab_a, client_a)), (pid_b, (tab_b, client_b)) = sorted(tabs.items())

                # State on host A, saved to Redis.
                snapshot_key = redis_state_key(settings, tab_a)
                before = await redis.get(snapshot_key)
                for _ in range(3):
                    await client_a.click("add")
                await client_a.wait_for_text("count", "3")
                await wait_for_new_snapshot(redis, snapshot_key, before)

                # A note posted on host A: a committed row, and a live message to the tab on B.
                await client_a.click("post")
                note = f"note 3 from {pid_a}"
                await client_b.wait_for_text("notes", note)
                await client_a.wait_for_text("notes", note)

                hosts.host_serving(pid_a).stop(signal.SIGKILL)  # no goodbye
                # At once, before a health check has seen it: Caddy retries on host B, no 502.
                assert await proxied_statuses(hosts.proxy_url, "/healthz", 20) == [(200, pid_b)] * 20

                with pytest.raises(ConnectionClosed):  # Caddy closes the tab's websocket
                    await until_closed(client_a)

                async with open_probe(tab_a, hosts.proxy_url) as moved:  # the tab reconnects
                    assert await host_pid(moved) == str(pid_b)
                    await moved.wait_for_text("count", "3")  # its state came along
                    await moved.wait_for_text("notes", note)  # the row is there

                    await moved.click("post")  # and live messages still reach the other tab
                    second_note = f"note 3 from {pid_b}"
                    await client_b.wait_for_text("notes", f"{note},{second_note}")

                async with open_probe(tab_b, hosts.proxy_url) as reloaded:  # a reload of the other
                    assert await host_pid(reloaded) == str(pid_b)
                    await reloaded.wait_for_text("notes", f"{note},{second_note}")

                pages = await proxied_statuses(hosts.proxy_url, "/", 20)  # reloads, health checks done
                assert [status for status, _ in pages] == [200] * 20
                assert await stored_notes(sql_engine) == [note, second_note]
        await redis.delete(redis_state_key(settings, tab_a), redis_state_key(settings, tab_b))
        await redis.aclose()

    async def test_live_messages_cross_hosts_over_postgres_notify_too(
        self, server_env: dict[str, str], sql_engine: AsyncEngine, redis_url: str, tmp_path: Path
    ) -> None:
        env = {
            **server_env,
            f"{env_prefix()}REDIS_URL": redis_url,
            f"{env_prefix()}LIVE_UPDATES": "postgres",  # Redis for state, LISTEN/NOTIFY for messages
        }
        async with notes_table(sql_engine), contextlib.AsyncExitStack() as tabs_stack:
            with cluster(env, tmp_path) as hosts:
                tabs = await tabs_on_both_hosts(tabs_stack, hosts.proxy_url)
                (pid_a, (_, client_a)), (_, (_, client_b)) = sorted(tabs.items())

                await client_a.click("post")

                await client_b.wait_for_text("notes", f"note 0 from {pid_a}")
                assert any("live updates over postgres" in host.log() for host in hosts.hosts)


@pytest.mark.browser
class TestInChromium:
    async def test_a_page_whose_host_dies_reconnects_by_itself_through_caddy_with_its_state(
        self,
        page: Page,
        watch: PageWatch,
        server_env: dict[str, str],
        settings: HeavySettings,
        sql_engine: AsyncEngine,
        redis_url: str,
        tmp_path: Path,
    ) -> None:
        env = {**server_env, f"{env_prefix()}REDIS_URL": redis_url}
        redis = Redis.from_url(redis_url)
        async with notes_table(sql_engine):
            with cluster(env, tmp_path) as hosts:
                await page.goto(hosts.proxy_url)
                pid_a = int(await page.locator("#host").inner_text())
                tab = await browser_tab(page, watch)
                snapshot_key = redis_state_key(settings, tab)
                before = await redis.get(snapshot_key)
                await page.click("#add")
                await page.click("#add")
                await expect(page.locator("#count")).to_have_text("2")
                await wait_for_new_snapshot(redis, snapshot_key, before)

                hosts.host_serving(pid_a).stop(signal.SIGKILL)

                (pid_b,) = [host.process.pid for host in hosts.hosts if host.process.pid != pid_a]
                await expect(page.locator("#host")).to_have_text(str(pid_b), timeout=30_000)  # no reload
                await expect(page.locator("#count")).to_have_text("2")
        await redis.delete(snapshot_key)
        await redis.aclose()


async def browser_tab(page: Page, watch: PageWatch) -> Tab:
    """The page's tab as the server sees it: the id in its stream URL, its browser cookie."""
    stream_url = next(url for url in watch.requests if "/_reactpy/stream" in url)
    (tab_id,) = parse_qs(urlsplit(stream_url).query)[TAB_QUERY_PARAMETER]
    cookies = await page.context.cookies()
    browser_id = next(cookie["value"] for cookie in cookies if cookie.get("name") == BROWSER_COOKIE)
    return Tab(tab_id=tab_id, browser_id=browser_id)


class TestHeavyHostsCommand:
    def test_serves_from_every_host_carries_on_when_one_dies_and_ctrl_c_stops_them_all(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        port = free_port()
        log = (tmp_path / "hosts.log").open("wb")
        command = subprocess.Popen(
            [sys.executable, "-m", "heavy_stack", "hosts", "--hosts", "2", "--port", str(port)],
            cwd=tmp_path,
            env={**os.environ, **server_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        children: list[psutil.Process] = []
        try:
            proxy_url = f"http://127.0.0.1:{port}"
            wait_until(
                lambda: is_healthy(proxy_url) or command.poll() is not None, START_SECONDS, "heavy hosts"
            )
            assert command.poll() is None, (tmp_path / "hosts.log").read_text()
            children = psutil.Process(command.pid).children(recursive=True)
            workers = {worker for _, worker in asyncio.run(proxied_statuses(proxy_url, "/healthz", 4))}
            assert len(workers) == 2  # round robin over both hosts

            killed = next(child for child in children if child.pid in workers)
            killed.kill()
            wait_until(
                lambda: "exited with code -9" in (tmp_path / "hosts.log").read_text(), 10, "the notice"
            )
            answers = asyncio.run(proxied_statuses(proxy_url, "/healthz", 10))
            assert {status for status, _ in answers} == {200}
            assert killed.pid not in {worker for _, worker in answers}

            command.send_signal(signal.SIGINT)  # Ctrl+C
            assert command.wait(60) == 0
        finally:
            stop_process(command, timeout=10)
            for child in children:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            log.close()
        output = (tmp_path / "hosts.log").read_text()
        assert f"behind Caddy at {proxy_url}" in output
        assert children, output
        assert not [
            child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE
        ]
