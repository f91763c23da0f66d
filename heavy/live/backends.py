"""Where live messages travel between processes: PostgreSQL LISTEN/NOTIFY, Redis pub/sub, or memory.

Each process holds ONE listening connection (never one per tab) and hands every payload it hears
to the broker, which fans it out to this process's tabs. A backend keeps its connection alive by
itself: when it drops (the server restarted, the network blinked) it logs one line, reconnects
with backoff, logs one line again and tells the broker, which asks every tab to re-read (messages
sent while nobody was listening are gone; the data they announced is not).

- :class:`PostgresBackend`: the default, so live updates work on the embedded PostgreSQL with no
  setup. One channel per app (``<package>_live``); NOTIFY payloads are capped by PostgreSQL at
  8000 bytes, which is why messages are small (they say what changed, the data stays in tables).
- :class:`RedisBackend`: when a Redis URL is configured; one pub/sub channel likewise.
- :class:`MemoryBackend`: one process only; tests, and the in-process baseline of the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

Receiver = Callable[[str], None]
"""Called with every payload the backend hears (its own publishes included), on the event loop."""

FIRST_RETRY_SECONDS = 0.2
MAX_RETRY_SECONDS = 5.0
STOP_TIMEOUT_SECONDS = 5.0
KEEPALIVE_SECONDS = 2.0  # a dead connection is noticed within about this long, even with no traffic
NOTIFY_PAYLOAD_LIMIT = 7999  # PostgreSQL's, in bytes


class LiveBackend(Protocol):
    name: str

    async def start(self, receive: Receiver, on_reconnect: Callable[[], None]) -> None:
        """Connect and start listening; returns once listening (raises if the first connect fails)."""

    async def publish(self, payload: str) -> None:
        """Send ``payload`` to every process listening, this one included."""

    async def stop(self) -> None: ...

    @property
    def listening(self) -> bool: ...


class MemoryBackend:
    """Messages stay in this process: what one process publishes, only its own tabs see."""

    name = "memory"

    def __init__(self) -> None:
        self._receive: Receiver | None = None

    async def start(self, receive: Receiver, on_reconnect: Callable[[], None]) -> None:
        self._receive = receive

    async def publish(self, payload: str) -> None:
        if self._receive is None:
            raise ConnectionError("the memory backend is not started")
        asyncio.get_running_loop().call_soon(self._receive, payload)

    async def stop(self) -> None:
        self._receive = None

    @property
    def listening(self) -> bool:
        return self._receive is not None


class _ReconnectingBackend:
    """The reconnect loop both network backends share: connect, listen until the connection is
    lost, log once, retry with backoff, log once when back, ask the broker to re-sync."""

    name = "?"

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self._receive: Receiver | None = None
        self._on_reconnect: Callable[[], None] = lambda: None
        self._supervisor: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._listening = False
        self._stopping = False

    @property
    def listening(self) -> bool:
        return self._listening

    async def start(self, receive: Receiver, on_reconnect: Callable[[], None]) -> None:
        self._receive, self._on_reconnect = receive, on_reconnect
        await self._connect()  # the first failure is the caller's: the server must not start deaf
        self._listening = True
        self._supervisor = asyncio.create_task(self._supervise(), name=f"live-{self.name}-listener")

    async def stop(self) -> None:
        """Stop listening; bounded, so that a connection that will not close never holds up a
        server's shutdown (its socket goes with the process)."""
        self._stopping = True
        try:
            async with asyncio.timeout(STOP_TIMEOUT_SECONDS):
                if self._supervisor is not None:
                    self._supervisor.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._supervisor
                await self._disconnect()
        except TimeoutError:
            logger.warning(
                "live updates (%s): the connection did not close within %g s; left",
                self.name,
                STOP_TIMEOUT_SECONDS,
            )
        self._listening = False

    def _connection_lost(self, reason: str = "") -> None:
        if self._listening and not self._stopping:
            self._listening = False
            logger.warning(
                "live updates (%s): lost the listening connection%s; reconnecting", self.name, reason
            )
        self._lost.set()

    async def _supervise(self) -> None:
        while not self._stopping:
            keepalive = asyncio.create_task(self._keepalive_loop())
            await self._lost.wait()
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keepalive
            await self._disconnect()
            lost_at, delay = time.monotonic(), FIRST_RETRY_SECONDS
            while not self._stopping:
                await asyncio.sleep(delay)
                try:
                    await self._connect()
                except Exception as error:  # any failure to connect: try again later, quietly
                    logger.debug("live updates (%s): reconnect failed: %s", self.name, error)
                    await self._disconnect()
                    delay = min(delay * 2, MAX_RETRY_SECONDS)
                    continue
                break
            if self._stopping:
                return
            self._lost.clear()
            self._listening = True
            logger.warning(
                "live updates (%s): listening again after %.1f s; open tabs re-read what they show",
                self.name,
                time.monotonic() - lost_at,
            )
            self._on_reconnect()

    async def _keepalive_loop(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            try:
                await asyncio.wait_for(self._ping(), timeout=KEEPALIVE_SECONDS)
            except Exception as error:
                self._connection_lost(f" ({type(error).__name__})")
                return

    def _deliver(self, payload: str) -> None:
        if self._receive is not None:
            self._receive(payload)

    async def _connect(self) -> None:
        raise NotImplementedError

    async def _disconnect(self) -> None:
        raise NotImplementedError

    async def _ping(self) -> None:
        raise NotImplementedError


class PostgresBackend(_ReconnectingBackend):
    """LISTEN on one connection; NOTIFY through a second (asyncpg runs one query at a time per
    connection, and a publish must not wait behind the keepalive)."""

    name = "postgres"

    def __init__(self, database_url: str, channel: str) -> None:
        super().__init__(channel)
        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._listener: asyncpg.Connection | None = None
        self._publisher: asyncpg.Connection | None = None
        self._publish_lock = asyncio.Lock()

    async def _connect(self) -> None:
        # Named, so an operator sees it in pg_stat_activity for what it is.
        listener = await asyncpg.connect(
            self._dsn, timeout=5, server_settings={"application_name": f"{self.channel} listener"}
        )
        listener.add_termination_listener(lambda _connection: self._connection_lost())
        await listener.add_listener(self.channel, self._on_notify)
        self._listener = listener

    async def _disconnect(self) -> None:
        for connection in (self._listener, self._publisher):
            if connection is not None and not connection.is_closed():
                connection.terminate()
        self._listener = self._publisher = None

    async def _ping(self) -> None:
        assert self._listener is not None
        await self._listener.execute("SELECT 1")

    def _on_notify(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._deliver(payload)

    async def publish(self, payload: str) -> None:
        if len(payload.encode()) > NOTIFY_PAYLOAD_LIMIT:
            raise ValueError(f"a NOTIFY payload has at most {NOTIFY_PAYLOAD_LIMIT} bytes")
        async with self._publish_lock:
            try:
                if self._publisher is None or self._publisher.is_closed():
                    self._publisher = await asyncpg.connect(self._dsn, timeout=5)
                await self._publisher.execute("SELECT pg_notify($1, $2)", self.channel, payload)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
                if self._publisher is not None:
                    self._publisher.terminate()
                self._publisher = None
                raise ConnectionError(
                    f"PostgreSQL did not take the message: {type(error).__name__}"
                ) from error


class RedisBackend(_ReconnectingBackend):
    """SUBSCRIBE on one connection; PUBLISH through a client of its own (its pool reconnects by
    itself, so a publish after a Redis restart needs nothing from the listener)."""

    name = "redis"

    def __init__(self, redis_url: str, channel: str) -> None:
        super().__init__(channel)
        self._url = redis_url
        self._publisher = Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=5)
        self._client: Redis | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pubsub: Any = None

    async def _connect(self) -> None:
        self._client = Redis.from_url(
            self._url, socket_connect_timeout=5, client_name=f"{self.channel}-listener"
        )
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self.channel)
        self._reader = asyncio.create_task(self._read(), name="live-redis-reader")

    async def _read(self) -> None:
        pubsub = self._pubsub
        try:
            while True:
                message = await pubsub.get_message(timeout=KEEPALIVE_SECONDS)
                if message is not None and message.get("type") == "message":
                    data = message["data"]
                    self._deliver(data.decode() if isinstance(data, bytes) else str(data))
        except asyncio.CancelledError:
            raise
        except (RedisError, OSError) as error:
            self._connection_lost(f" ({type(error).__name__})")

    async def _disconnect(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self._reader = None
        with contextlib.suppress(Exception):
            if self._pubsub is not None:
                await self._pubsub.aclose()
        with contextlib.suppress(Exception):
            if self._client is not None:
                await self._client.aclose()
        self._pubsub = self._client = None

    async def _ping(self) -> None:
        assert self._client is not None
        await self._client.ping()

    async def publish(self, payload: str) -> None:
        try:
            await self._publisher.publish(self.channel, payload)
        except (RedisError, OSError) as error:
            raise ConnectionError(f"Redis did not take the message: {type(error).__name__}") from error

    async def stop(self) -> None:
        await super().stop()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STOP_TIMEOUT_SECONDS):
                await self._publisher.aclose()
