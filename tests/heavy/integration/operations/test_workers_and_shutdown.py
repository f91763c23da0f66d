"""``heavy run`` as operators run it: several workers behind one port, stopped by SIGTERM (what
``docker stop``, systemd and Kubernetes send to the main process), losing no tab's state."""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path

import httpx
import pytest

from heavy.realtime.stream_client import StreamClient
from tests.heavy.integration.realtime.conftest import Tab
from tests.support.servers import ServerProcess, heavy_server

pytestmark = pytest.mark.slow

ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL|Traceback|Exception)\b")


async def workers_answering(base_url: str, *, at_least: int, rounds: int = 40) -> set[int]:
    """The pids that answered ``/healthz``, asking in concurrent bursts of fresh connections."""
    seen: set[int] = set()
    for _ in range(rounds):

        async def ask() -> int:
            async with httpx.AsyncClient() as client:  # a new connection each time
                response = await client.get(f"{base_url}/healthz", timeout=10)
                response.raise_for_status()
                return int(response.json()["worker"])

        seen.update(await asyncio.gather(*(ask() for _ in range(8))))
        if len(seen) >= at_least:
            break
    return seen


async def click_then_terminate(server: ServerProcess, tab: Tab, clicks: int) -> None:
    """Click with the tab still open and SIGTERM the main process at once: the last clicks are
    only in the worker's memory (snapshots are written after a quiet period) when it is told to stop."""
    async with tab.open(server.base_url, with_router=True) as client:
        await client.wait_for_element("counter-button")
        for _ in range(clicks):
            await client.click("counter-button")
        await client.wait_for_text("counter-button", f"Clicked {clicks} times")
        server.process.send_signal(signal.SIGTERM)  # the main process only, as `docker stop` does
        await asyncio.to_thread(server.process.wait, 30)


async def shows_clicks(base_url: str, tab: Tab, clicks: int) -> None:
    client: StreamClient
    async with tab.open(base_url, with_router=True) as client:
        await client.wait_for_text("counter-button", f"Clicked {clicks} times")


def error_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if ERROR_LINE.search(line)]


class TestHeavyRunWithWorkers:
    async def test_two_workers_serve_requests_and_stop_cleanly_on_sigterm_keeping_tab_state(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        tab = Tab()
        with heavy_server(["run", "--workers", "2"], server_env, tmp_path / "workers.log") as server:
            pids = await workers_answering(server.base_url, at_least=2)
            assert len(pids) == 2, f"only {pids} answered"
            assert server.process.pid not in pids, "the main process supervises; workers serve"

            await click_then_terminate(server, tab, clicks=3)

            assert server.process.returncode == 0, server.log()
            log = server.log()
        assert error_lines(log) == [], log
        assert log.count("Worker complete") == 2, log  # both workers ran their shutdown

        with heavy_server(["run"], server_env, tmp_path / "after.log") as server:
            await shows_clicks(server.base_url, tab, 3)

    async def test_one_worker_keeps_tab_state_through_sigterm(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        tab = Tab()
        with heavy_server(["run"], server_env, tmp_path / "single.log") as server:
            await click_then_terminate(server, tab, clicks=2)
            assert server.process.returncode == 0, server.log()
            assert error_lines(server.log()) == [], server.log()

        with heavy_server(["run"], server_env, tmp_path / "after.log") as server:
            await shows_clicks(server.base_url, tab, 2)
