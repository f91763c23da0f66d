"""Presence on each real backend: two trackers (each with its own broker and listening connection)
stand for two processes sharing one store; then two real servers and real websockets.

Joins and leaves must show in the other process within 2 s (the issue's bound, generous for what
takes about 200 ms); a process that stops heartbeating must drop out within its time to live.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import secrets
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from redis.asyncio import Redis
from sanic import Sanic
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.sessions import SESSION_COOKIE
from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.data.database_setup import DatabaseUrls
from heavy.data.db_connection import make_sessionmaker
from heavy.live import Presence, PresenceEntry
from heavy.live.backends import LiveBackend, PostgresBackend, RedisBackend
from heavy.live.broker import LiveBroker
from heavy.live.presence_store import PostgresPresenceStore, PresenceStore, RedisPresenceStore
from heavy.live.presence_tracker import PresenceTracker
from heavy.realtime.stream_client import StreamClient, StreamClientContext
from heavy.realtime.tab_identity import BROWSER_COOKIE, TAB_QUERY_PARAMETER
from tests.support import PROJECT_ROOT
from tests.support.accounts import signed_in_session
from tests.support.external_services import require_external_redis
from tests.support.presence_server import MEMBERS_ROOM, ROOM, PresencePage
from tests.support.servers import heavy_server, serve_in_process

pytestmark = pytest.mark.slow

BACKENDS = ["postgres", "redis"]
SHOWS_WITHIN_SECONDS = 2.0  # issue 21: joins and leaves show in other tabs within 2 s
HEARTBEAT_SECONDS = 0.25
TTL_SECONDS = 1.0
QUIET_HEARTBEAT_SECONDS = 15.0  # long enough that only the announcements can make a change show


@dataclass
class Process:
    broker: LiveBroker
    tracker: PresenceTracker


Spawn = Callable[..., Awaitable[Process]]


class Tab:
    """One use_presence as the tracker sees it, counting the times it is woken."""

    def __init__(self, process: Process, channel: str, *, key: str, name: str, user_id: str | None) -> None:
        self.wakes = 0
        self.handle = process.tracker.join(
            channel, key=key, name=name, user_id=user_id, tab=secrets.token_hex(4), wake=self._wake
        )

    def _wake(self) -> None:
        self.wakes += 1


def user_tab(process: Process, channel: str, user_id: str, name: str) -> Tab:
    return Tab(process, channel, key=f"u:{user_id}", name=name, user_id=user_id)


def guest_tab(process: Process, channel: str, browser: str) -> Tab:
    return Tab(process, channel, key=f"b:{browser}", name="guest", user_id=None)


async def seen_within(
    process: Process, channel: str, condition: Callable[[Presence], bool], timeout: float
) -> float:
    """Seconds until ``condition`` holds for the presence ``process`` shows; fails after ``timeout``."""
    started = time.monotonic()
    while not condition(process.tracker.presence(channel)):
        if time.monotonic() - started > timeout:
            pytest.fail(f"after {timeout} s {channel!r} still shows {process.tracker.presence(channel)}")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture(params=BACKENDS)
async def spawn(
    request: pytest.FixtureRequest, database_urls: DatabaseUrls, sql_engine: AsyncEngine
) -> AsyncIterator[Spawn]:
    """Starts "processes" (broker + tracker) on one channel and store unique to the test."""
    live_channel = f"test_presence_{uuid4().hex[:12]}"
    redis: Redis | None = None
    make_backend: Callable[[], LiveBackend]
    make_store: Callable[[float], PresenceStore]
    if request.param == "postgres":
        sessionmaker = make_sessionmaker(sql_engine)
        make_backend = functools.partial(PostgresBackend, database_urls.sql, live_channel)
        make_store = functools.partial(PostgresPresenceStore, sessionmaker)
    else:
        redis_url = require_external_redis()
        redis = Redis.from_url(redis_url)
        make_backend = functools.partial(RedisBackend, redis_url, live_channel)
        make_store = functools.partial(RedisPresenceStore, redis, key_prefix=f"{live_channel}:")
    started: list[Process] = []

    async def start(heartbeat: float = HEARTBEAT_SECONDS) -> Process:
        broker = LiveBroker(make_backend(), max_message_bytes=4096)
        await broker.start()
        ttl = max(TTL_SECONDS, 4 * heartbeat)  # as the settings insist: a TTL outlives two heartbeats
        tracker = PresenceTracker(broker, make_store(ttl), heartbeat_seconds=heartbeat)
        await tracker.start()
        started.append(Process(broker, tracker))
        return started[-1]

    try:
        yield start
    finally:
        for process in reversed(started):
            await process.tracker.stop()
            await process.broker.stop()
        if redis is not None:
            await redis.aclose()


def a_room() -> str:
    return ROOM.channel(uuid4().hex)


class TestJoinAndLeave:
    async def test_a_join_in_one_process_shows_in_another_within_two_seconds(self, spawn: Spawn) -> None:
        here, there = (
            await spawn(heartbeat=QUIET_HEARTBEAT_SECONDS),
            await spawn(heartbeat=QUIET_HEARTBEAT_SECONDS),
        )
        room = a_room()
        watcher = guest_tab(there, room, "watcher")

        user_tab(here, room, "42", "Ada")
        await seen_within(there, room, lambda presence: presence.people == 2, SHOWS_WITHIN_SECONDS)

        assert there.tracker.presence(room) == Presence(
            room, (PresenceEntry("Ada", 1, "42"), PresenceEntry("guest", 1, None))
        )
        assert watcher.wakes >= 2  # once for its own join, once for Ada's

    async def test_a_leave_in_one_process_shows_in_another_within_two_seconds(self, spawn: Spawn) -> None:
        here, there = (
            await spawn(heartbeat=QUIET_HEARTBEAT_SECONDS),
            await spawn(heartbeat=QUIET_HEARTBEAT_SECONDS),
        )
        room = a_room()
        guest_tab(there, room, "watcher")
        ada = user_tab(here, room, "42", "Ada")
        await seen_within(there, room, lambda presence: presence.people == 2, SHOWS_WITHIN_SECONDS)

        ada.handle.leave()
        await seen_within(there, room, lambda presence: presence.people == 1, SHOWS_WITHIN_SECONDS)

        assert there.tracker.presence(room).entries == (PresenceEntry("guest", 1, None),)

    async def test_the_presence_shown_is_the_same_in_every_process(self, spawn: Spawn) -> None:
        here, there = await spawn(), await spawn()
        room = a_room()
        user_tab(here, room, "1", "Bea")
        guest_tab(there, room, "b1")

        for process in (here, there):
            await seen_within(process, room, lambda presence: presence.people == 2, SHOWS_WITHIN_SECONDS)

        assert here.tracker.presence(room) == there.tracker.presence(room)


class TestEntries:
    async def test_two_tabs_of_one_user_count_as_one_person_with_two_tabs(self, spawn: Spawn) -> None:
        here, there = await spawn(), await spawn()
        room = a_room()
        user_tab(here, room, "7", "Cy")
        user_tab(there, room, "7", "Cy")  # the same user in a tab served by another process
        user_tab(there, room, "8", "Di")

        await seen_within(here, room, lambda presence: presence.tabs == 3, SHOWS_WITHIN_SECONDS)

        presence = here.tracker.presence(room)
        assert presence.entries == (PresenceEntry("Cy", 2, "7"), PresenceEntry("Di", 1, "8"))
        assert (presence.people, presence.tabs) == (2, 3)

    async def test_guests_show_as_guest_one_entry_per_browser(self, spawn: Spawn) -> None:
        here, there = await spawn(), await spawn()
        room = a_room()
        guest_tab(here, room, "browser-1")
        guest_tab(here, room, "browser-1")  # a second tab of that browser
        guest_tab(there, room, "browser-2")

        await seen_within(here, room, lambda presence: presence.tabs == 3, SHOWS_WITHIN_SECONDS)

        assert sorted(here.tracker.presence(room).entries, key=lambda entry: entry.tabs) == [
            PresenceEntry("guest", 1, None),
            PresenceEntry("guest", 2, None),
        ]

    async def test_a_channel_nobody_joined_here_is_empty_and_costs_nothing(self, spawn: Spawn) -> None:
        here, there = await spawn(), await spawn()
        room = a_room()
        user_tab(there, room, "1", "Eve")
        await asyncio.sleep(HEARTBEAT_SECONDS * 3)

        assert here.tracker.presence(room) == Presence(room, ())
        assert room not in here.tracker.channels


class TestDeadProcesses:
    async def test_a_process_that_stops_heartbeating_drops_out_within_its_ttl(self, spawn: Spawn) -> None:
        doomed, survivor = await spawn(), await spawn()
        room = a_room()
        user_tab(doomed, room, "13", "Fay")
        guest_tab(survivor, room, "watcher")
        await seen_within(survivor, room, lambda presence: presence.people == 2, SHOWS_WITHIN_SECONDS)

        await doomed.tracker.halt()  # a host that died: no leave, no more heartbeats
        elapsed = await seen_within(
            survivor, room, lambda presence: presence.people == 1, TTL_SECONDS + HEARTBEAT_SECONDS + 2.0
        )

        assert survivor.tracker.presence(room).entries == (PresenceEntry("guest", 1, None),)
        assert elapsed > TTL_SECONDS / 2  # it went by expiring, not by a leave

    async def test_expired_entries_are_swept_from_the_store(
        self, spawn: Spawn, sql_engine: AsyncEngine
    ) -> None:
        doomed = await spawn()
        room = a_room()
        user_tab(doomed, room, "14", "Gus")
        async with asyncio.timeout(10):
            while not await doomed.tracker.store.read([room]):  # noqa: ASYNC110 (polling the store)
                await asyncio.sleep(0.05)

        await doomed.tracker.halt()
        await asyncio.sleep(TTL_SECONDS + 0.2)
        await doomed.tracker.store.sweep_expired()

        assert await doomed.tracker.store.read([room]) == {}
        if isinstance(doomed.tracker.store, PostgresPresenceStore):
            async with sql_engine.connect() as connection:
                rows = await connection.scalar(
                    text("SELECT count(*) FROM live_presence WHERE channel = :channel"), {"channel": room}
                )
            assert rows == 0

    async def test_a_stopped_process_takes_its_entries_with_it_at_once(self, spawn: Spawn) -> None:
        leaving, staying = (
            await spawn(heartbeat=QUIET_HEARTBEAT_SECONDS),
            await spawn(heartbeat=QUIET_HEARTBEAT_SECONDS),
        )
        room = a_room()
        user_tab(leaving, room, "15", "Hal")
        guest_tab(staying, room, "watcher")
        await seen_within(staying, room, lambda presence: presence.people == 2, SHOWS_WITHIN_SECONDS)

        await leaving.tracker.stop()  # a graceful shutdown: entries removed and announced

        await seen_within(staying, room, lambda presence: presence.people == 1, SHOWS_WITHIN_SECONDS)


# Through real servers and websockets ---------------------------------------------------------

_app_numbers = itertools.count()
SERVER_PRESENCE = {"live_presence_heartbeat_seconds": 0.5, "live_presence_ttl_seconds": 2.0}
PRESENCE_SERVER = (sys.executable, "-m", "tests.support.presence_server")
PAGE_SHOWS_WITHIN_SECONDS = 10.0  # whole servers on a busy CI machine; the 2 s bound is held above


def open_tab(base_url: str, browser_id: str, session_id: str | None = None) -> StreamClientContext:
    """A new tab of the browser ``browser_id``; signed in when given a login session id."""
    cookie = f"{BROWSER_COOKIE}={browser_id}"
    if session_id is not None:
        cookie += f"; {SESSION_COOKIE}={session_id}"
    return StreamClient.open(
        base_url,
        query=f"{TAB_QUERY_PARAMETER}={secrets.token_urlsafe(24)}",
        headers={"cookie": cookie},
        with_router=False,
    )


@pytest.fixture(params=BACKENDS)
def live_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings of every server in a test: the backend, and a short presence TTL."""
    if request.param == "redis":
        return {**SERVER_PRESENCE, "live_updates": "redis", "redis_url": require_external_redis()}
    return {**SERVER_PRESENCE, "live_updates": "postgres"}


def page_app(settings: HeavySettings, room_key: str) -> Sanic[Any, Any]:
    """An app serving the room's presence page (a server of its own: its broker, its tracker)."""
    root: Callable[[], Any] = functools.partial(PresencePage, room_key)
    return create_app(settings, name=f"presence_{next(_app_numbers)}", root=root)


class TestThroughRealServers:
    async def test_two_connections_to_two_servers_see_each_other_and_a_refused_topic_stays_empty(
        self, settings: HeavySettings, live_overrides: dict[str, Any]
    ) -> None:
        room_key = uuid4().hex
        server_settings = settings.model_copy(update=live_overrides)
        first_app, second_app = page_app(server_settings, room_key), page_app(server_settings, room_key)
        first_browser, second_browser = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        async with (
            serve_in_process(first_app) as first_url,
            serve_in_process(second_app) as second_url,
            AsyncExitStack() as tabs,
        ):
            first = await tabs.enter_async_context(open_tab(first_url, first_browser))
            second = await tabs.enter_async_context(open_tab(second_url, second_browser))
            both = "2 people, 2 tabs: guestx1, guestx1"
            await first.wait_for_text("room", both, timeout=PAGE_SHOWS_WITHIN_SECONDS)
            await second.wait_for_text("room", both, timeout=PAGE_SHOWS_WITHIN_SECONDS)

            again = await tabs.enter_async_context(open_tab(second_url, first_browser))  # same browser
            await first.wait_for_text(
                "room", "2 people, 3 tabs: guestx1, guestx2", timeout=PAGE_SHOWS_WITHIN_SECONDS
            )
            await again.wait_for_text(
                "room", "2 people, 3 tabs: guestx1, guestx2", timeout=PAGE_SHOWS_WITHIN_SECONDS
            )

            await again.websocket.close()  # a tab closed: the others see it leave
            await first.wait_for_text("room", both, timeout=PAGE_SHOWS_WITHIN_SECONDS)

            for client in (first, second):
                assert client.text_of("members") == "0 people, 0 tabs: "  # guests may not follow it
            for app in (first_app, second_app):
                assert app.ctx.presence.channels == {ROOM.channel(room_key)}  # nobody joined the other
                stored = await app.ctx.presence.store.read([MEMBERS_ROOM.channel(room_key)])
                assert stored == {}

    async def test_a_signed_in_user_is_one_entry_with_their_tabs_on_every_server(
        self, settings: HeavySettings, live_overrides: dict[str, Any]
    ) -> None:
        room_key = uuid4().hex
        server_settings = settings.model_copy(update=live_overrides)
        async with (
            serve_in_process(page_app(server_settings, room_key)) as first_url,
            serve_in_process(page_app(server_settings, room_key)) as second_url,
            AsyncExitStack() as tabs,
        ):
            session_id = await signed_in_session(first_url, "Ada")
            browser = secrets.token_urlsafe(32)
            ada_here = await tabs.enter_async_context(open_tab(first_url, browser, session_id))
            await tabs.enter_async_context(open_tab(second_url, browser, session_id))
            guest = await tabs.enter_async_context(open_tab(second_url, secrets.token_urlsafe(32)))

            everyone = "2 people, 3 tabs: Adax2, guestx1"
            await ada_here.wait_for_text("room", everyone, timeout=PAGE_SHOWS_WITHIN_SECONDS)
            await guest.wait_for_text("room", everyone, timeout=PAGE_SHOWS_WITHIN_SECONDS)
            # The members' room lets her in, and only her: the guest sees (and joins) nothing.
            await ada_here.wait_for_text(
                "members", "1 people, 2 tabs: Adax2", timeout=PAGE_SHOWS_WITHIN_SECONDS
            )
            assert guest.text_of("members") == "0 people, 0 tabs: "

    async def test_the_tabs_of_a_killed_server_drop_out_of_the_other_servers_pages(
        self,
        settings: HeavySettings,
        server_env: dict[str, str],
        live_overrides: dict[str, Any],
        tmp_path: Path,
    ) -> None:
        room_key = uuid4().hex
        env = {
            **server_env,
            **{settings.env_name(name): str(value) for name, value in live_overrides.items()},
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        with heavy_server([room_key], env, tmp_path / "doomed.log", program=PRESENCE_SERVER) as doomed:
            async with (
                serve_in_process(
                    page_app(settings.model_copy(update=live_overrides), room_key)
                ) as survivor_url,
                AsyncExitStack() as tabs,
            ):
                survivor = await tabs.enter_async_context(open_tab(survivor_url, secrets.token_urlsafe(32)))
                victim = await tabs.enter_async_context(open_tab(doomed.base_url, secrets.token_urlsafe(32)))
                both = "2 people, 2 tabs: guestx1, guestx1"
                await survivor.wait_for_text("room", both, timeout=PAGE_SHOWS_WITHIN_SECONDS)
                await victim.wait_for_text("room", both, timeout=PAGE_SHOWS_WITHIN_SECONDS)

                doomed.stop(signal.SIGKILL)  # no goodbye: its entries are left to expire
                ttl = live_overrides["live_presence_ttl_seconds"]
                heartbeat = live_overrides["live_presence_heartbeat_seconds"]
                await survivor.wait_for_text("room", "1 people, 1 tabs: guestx1", timeout=ttl + heartbeat + 3)
