"""The one client every benchmark server is measured with: open page sessions, click, time the answers.

It is the project's own :class:`~heavy.realtime.stream_client.StreamClient` (the protocol a
browser speaks): a click is a ``layout-event`` for the counter button, and its round trip ends when
the next message arrives. For servers whose button counts, every session's final text is checked,
so a lost or doubled update fails the run instead of flattering it.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bench.server_process import BenchmarkError, BenchServerProcess, process_tree_cpu_seconds
from bench.servers import COUNTER_ID, BenchServer, counter_text
from heavy.realtime.stream_client import StreamClient, StreamClientContext
from heavy.realtime.tab_identity import BROWSER_COOKIE, TAB_QUERY_PARAMETER

OPEN_AT_ONCE = 50  # connections opened concurrently; stays under Sanic's listen backlog of 100
ANSWER_TIMEOUT_SECONDS = 10.0
SETTLE_SECONDS = 1.5  # every first render, its bookkeeping and any snapshot writes finish
WARM_UP_CLICKS = 50


@dataclass
class SequentialRun:
    """Round trips of one session clicking one click at a time, and the server's CPU for them."""

    latencies: list[float]
    server_cpu_seconds: float


@dataclass
class ConcurrentRun:
    """Round trips of many sessions clicking at once, and what the server spent on them."""

    latencies: list[float]
    wall_seconds: float
    server_cpu_seconds: float
    database_cpu_seconds: float | None

    @property
    def events(self) -> int:
        return len(self.latencies)


def _open_session(base_url: str, identify_tab: bool) -> StreamClientContext:
    if not identify_tab:
        return StreamClient.open(base_url, with_router=False)
    # As a browser tab does (heavy/static/js/heavy_tab.js and the page's cookie): its state is recovered.
    return StreamClient.open(
        base_url,
        query=f"{TAB_QUERY_PARAMETER}={secrets.token_urlsafe(24)}",
        headers={"cookie": f"{BROWSER_COOKIE}={secrets.token_urlsafe(32)}"},
        with_router=False,
    )


@contextlib.asynccontextmanager
async def open_sessions(
    base_url: str, count: int, *, identify_tabs: bool = False
) -> AsyncIterator[list[StreamClient]]:
    """``count`` page sessions, each past its first render; all closed afterwards.

    ``identify_tabs``: each session says which tab it is, so Heavy Stack recovers its state.
    """
    async with contextlib.AsyncExitStack() as stack:
        sessions: list[StreamClient] = []
        while len(sessions) < count:
            batch = min(OPEN_AT_ONCE, count - len(sessions))
            sessions += await asyncio.gather(
                *(stack.enter_async_context(_open_session(base_url, identify_tabs)) for _ in range(batch))
            )
        yield sessions


async def click(session: StreamClient, element_id: str = COUNTER_ID, *, shows: str | None = None) -> float:
    """One click and its answer: the round trip in seconds.

    ``shows``: the answer is the re-render after which the element shows this text, not just the
    next message (on a page such as the demo's, other blocks send updates of their own).
    """
    started = time.perf_counter()
    await session.click(element_id)
    if shows is None:
        await session.receive_update(ANSWER_TIMEOUT_SECONDS)
    else:
        await session.wait_for_text(element_id, shows, ANSWER_TIMEOUT_SECONDS)
    return time.perf_counter() - started


async def click_many(session: StreamClient, clicks: int) -> list[float]:
    return [await click(session) for _ in range(clicks)]


def check_counted(server: BenchServer, session: StreamClient, clicks: int) -> None:
    if server.counts_clicks and session.text_of(COUNTER_ID) != counter_text(clicks):
        raise BenchmarkError(
            f"{server.label}: after {clicks} clicks the page shows {session.text_of(COUNTER_ID)!r}: "
            "updates were lost or doubled"
        )


async def sequential_round_trips(
    process: BenchServerProcess, clicks: int, *, identify_tabs: bool = False
) -> SequentialRun:
    """One session clicking ``clicks`` times, one click at a time (after a short warm-up)."""
    warm_up = min(WARM_UP_CLICKS, clicks)
    async with open_sessions(process.base_url, 1, identify_tabs=identify_tabs) as (session,):
        await click_many(session, warm_up)
        cpu_before = process.cpu_seconds()
        latencies = await click_many(session, clicks)
        server_cpu = process.cpu_seconds() - cpu_before
        check_counted(process.server, session, warm_up + clicks)
    return SequentialRun(latencies=latencies, server_cpu_seconds=server_cpu)


async def concurrent_round_trips(
    process: BenchServerProcess, connections: int, clicks_each: int, database_pid: int | None
) -> ConcurrentRun:
    """``connections`` sessions each clicking ``clicks_each`` times as fast as answers come back.

    Every session keeps one click in flight, so the server always has ``connections`` events
    queued: its throughput here is its throughput at saturation.
    """
    async with open_sessions(process.base_url, connections) as sessions:
        await asyncio.gather(*(click_many(session, 2) for session in sessions))  # warm every session
        cpu_before = process.cpu_seconds()
        database_before = process_tree_cpu_seconds(database_pid) if database_pid else None
        started = time.perf_counter()
        per_session = await asyncio.gather(*(click_many(session, clicks_each) for session in sessions))
        wall = time.perf_counter() - started
        server_cpu = process.cpu_seconds() - cpu_before
        database_cpu = (
            process_tree_cpu_seconds(database_pid) - database_before
            if database_pid and database_before is not None
            else None
        )
        for session in sessions:
            check_counted(process.server, session, 2 + clicks_each)
    return ConcurrentRun(
        latencies=[latency for latencies in per_session for latency in latencies],
        wall_seconds=wall,
        server_cpu_seconds=server_cpu,
        database_cpu_seconds=database_cpu,
    )


@dataclass
class IdleMemory:
    connections: int
    rss_before_bytes: int
    rss_after_bytes: int

    @property
    def bytes_per_connection(self) -> float:
        return (self.rss_after_bytes - self.rss_before_bytes) / self.connections


async def idle_connection_memory(
    process: BenchServerProcess, connections: int, *, identify_tabs: bool = False, clicks_each: int = 0
) -> IdleMemory:
    """Server RSS before and with ``connections`` idle page sessions open (after a warm-up).

    ``clicks_each``: each session clicks this often first, so it holds changed state (with
    ``identify_tabs``, a saved snapshot too).
    """
    await warm_up(process, connections, identify_tabs=identify_tabs)
    before = process.rss_bytes()
    async with open_sessions(process.base_url, connections, identify_tabs=identify_tabs) as sessions:
        if clicks_each:
            await asyncio.gather(*(click_many(session, clicks_each) for session in sessions))
        await asyncio.sleep(SETTLE_SECONDS)
        after = process.rss_bytes()
    return IdleMemory(connections=connections, rss_before_bytes=before, rss_after_bytes=after)


async def warm_up(process: BenchServerProcess, connections: int, *, identify_tabs: bool = False) -> None:
    """Sessions opened as concurrently as ``connections`` will be (OPEN_AT_ONCE at a time), clicked
    and closed, so that pools and caches reach their working size before a memory measurement and
    are not counted as per-connection cost."""
    count = min(OPEN_AT_ONCE, connections)
    async with open_sessions(process.base_url, count, identify_tabs=identify_tabs) as warm_sessions:
        await asyncio.gather(*(click_many(session, 3) for session in warm_sessions))
    await asyncio.sleep(SETTLE_SECONDS)  # the warm-up's snapshots (if any) are written
