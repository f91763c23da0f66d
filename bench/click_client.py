"""The one client every benchmark server is measured with: open page sessions, click, time the answers.

It is the project's own :class:`~heavy_stack.realtime.stream_client.StreamClient` (the protocol a
browser speaks): a click is a ``layout-event`` for the counter button, and its round trip ends when
the next message arrives. For servers whose button counts, every session's final text is checked,
so a lost or doubled update fails the run instead of flattering it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bench.server_process import BenchmarkError, BenchServerProcess, process_tree_cpu_seconds
from bench.servers import COUNTER_ID, BenchServer, counter_text
from heavy_stack.realtime.stream_client import StreamClient

OPEN_AT_ONCE = 50  # connections opened concurrently; stays under Sanic's listen backlog of 100
ANSWER_TIMEOUT_SECONDS = 10.0
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


@contextlib.asynccontextmanager
async def open_sessions(base_url: str, count: int) -> AsyncIterator[list[StreamClient]]:
    """``count`` page sessions, each past its first render; all closed afterwards."""
    async with contextlib.AsyncExitStack() as stack:
        sessions: list[StreamClient] = []
        while len(sessions) < count:
            batch = min(OPEN_AT_ONCE, count - len(sessions))
            sessions += await asyncio.gather(
                *(
                    stack.enter_async_context(StreamClient.open(base_url, with_router=False))
                    for _ in range(batch)
                )
            )
        yield sessions


async def click(session: StreamClient) -> float:
    """One click and its answer: the round trip in seconds."""
    started = time.perf_counter()
    await session.click(COUNTER_ID)
    await session.receive_update(ANSWER_TIMEOUT_SECONDS)
    return time.perf_counter() - started


async def click_many(session: StreamClient, clicks: int) -> list[float]:
    return [await click(session) for _ in range(clicks)]


def check_counted(server: BenchServer, session: StreamClient, clicks: int) -> None:
    if server.counts_clicks and session.text_of(COUNTER_ID) != counter_text(clicks):
        raise BenchmarkError(
            f"{server.label}: after {clicks} clicks the page shows {session.text_of(COUNTER_ID)!r}: "
            "updates were lost or doubled"
        )


async def sequential_round_trips(process: BenchServerProcess, clicks: int) -> SequentialRun:
    """One session clicking ``clicks`` times, one click at a time (after a short warm-up)."""
    warm_up = min(WARM_UP_CLICKS, clicks)
    async with open_sessions(process.base_url, 1) as (session,):
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


async def idle_connection_memory(process: BenchServerProcess, connections: int) -> IdleMemory:
    """Server RSS before and with ``connections`` idle page sessions open (after a warm-up)."""
    async with open_sessions(process.base_url, min(10, connections)) as warm_sessions:
        await asyncio.gather(*(click_many(session, 3) for session in warm_sessions))
    await asyncio.sleep(0.5)
    before = process.rss_bytes()
    async with open_sessions(process.base_url, connections):
        await asyncio.sleep(1.0)  # let every first render and its bookkeeping finish
        after = process.rss_bytes()
    return IdleMemory(connections=connections, rss_before_bytes=before, rss_after_bytes=after)
