"""Where each process leaves the presence of its tabs for the others to read: one interface, three
backends, chosen with the live backend (``LIVE_UPDATES``).

- :class:`PostgresPresenceStore`: the ``live_presence`` table, rows per (channel, process, user);
  expiry by the database's clock, so hosts' clocks need not agree.
- :class:`RedisPresenceStore`: a hash per channel, one field per process holding its entries and
  their expiry (Redis 7.0 cannot expire a single field); the key itself expires when no process
  refreshes it.
- :class:`MemoryPresenceStore`: this process only.

A process rewrites its own entries of a channel when its tabs there change, and pushes their expiry
forward on every heartbeat. Readers skip what has expired; the entries of a process that died are
gone once their time to live is up, and are deleted later (PostgreSQL: the sweeper; Redis: by the
reader that meets them).
"""

from __future__ import annotations

import abc
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import orjson
from redis.asyncio import Redis
from sqlalchemy import Interval, func, literal
from sqlmodel import col, delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.app import redis_key_prefix
from heavy.data.db_connection import SessionMaker
from heavy.live.presence_model import SQLLivePresence

REDIS_KEY_KIND = "presence"


@dataclass(frozen=True, slots=True)
class PresenceRow:
    """One user (or guest) on one channel, as one process counts them."""

    origin: str
    key: str
    """``u:<user id>`` for a signed-in user; a guest's hashed browser (or tab) id otherwise."""
    name: str
    tabs: int
    user_id: str | None


LocalRows = Mapping[str, Sequence[PresenceRow]]
"""A process's own rows, by channel."""


class PresenceStore(abc.ABC):
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds

    async def start(self) -> None:  # noqa: B027 (most stores need nothing)
        """Anything to do once before the first write."""

    @abc.abstractmethod
    async def write(self, origin: str, channel: str, rows: Sequence[PresenceRow]) -> None:
        """Replace ``origin``'s entries of ``channel`` with ``rows`` (none: it left), expiring in a TTL."""

    @abc.abstractmethod
    async def refresh(self, origin: str, local: LocalRows) -> None:
        """The heartbeat: ``origin``'s entries live one more TTL; missing ones are written again."""

    @abc.abstractmethod
    async def read(self, channels: Collection[str]) -> dict[str, list[PresenceRow]]:
        """Every process's unexpired entries of each channel (channels with none are left out)."""

    @abc.abstractmethod
    async def forget(self, origin: str, channels: Collection[str]) -> None:
        """Remove all of ``origin``'s entries (the process is stopping)."""

    async def sweep_expired(self) -> int:
        return 0


class MemoryPresenceStore(PresenceStore):
    def __init__(self, ttl_seconds: float) -> None:
        super().__init__(ttl_seconds)
        self._channels: dict[str, dict[str, tuple[float, tuple[PresenceRow, ...]]]] = {}

    async def write(self, origin: str, channel: str, rows: Sequence[PresenceRow]) -> None:
        origins = self._channels.setdefault(channel, {})
        if rows:
            origins[origin] = (time.monotonic() + self.ttl_seconds, tuple(rows))
        else:
            origins.pop(origin, None)
            if not origins:
                del self._channels[channel]

    async def refresh(self, origin: str, local: LocalRows) -> None:
        for channel, rows in local.items():
            await self.write(origin, channel, rows)

    async def read(self, channels: Collection[str]) -> dict[str, list[PresenceRow]]:
        now = time.monotonic()
        found: dict[str, list[PresenceRow]] = {}
        for channel in channels:
            for expires, rows in self._channels.get(channel, {}).values():
                if expires > now:
                    found.setdefault(channel, []).extend(rows)
        return found

    async def forget(self, origin: str, channels: Collection[str]) -> None:
        for channel in list(self._channels):
            await self.write(origin, channel, ())

    async def sweep_expired(self) -> int:
        now, swept = time.monotonic(), 0
        for channel, origins in list(self._channels.items()):
            for origin, (expires, _rows) in list(origins.items()):
                if expires <= now:
                    del origins[origin]
                    swept += 1
            if not origins:
                del self._channels[channel]
        return swept


class PostgresPresenceStore(PresenceStore):
    def __init__(self, sessionmaker: SessionMaker, ttl_seconds: float) -> None:
        super().__init__(ttl_seconds)
        self._sessionmaker = sessionmaker

    def _expiry(self) -> object:
        return func.now() + literal(timedelta(seconds=self.ttl_seconds), Interval())

    async def _open(self) -> AsyncSession:
        session = self._sessionmaker()
        connection = await session.connection()
        if connection.dialect.name == "postgresql":
            # Presence is rewritten every second and worthless after a crash: no WAL flush wait.
            await connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        return session

    async def _replace(
        self, session: AsyncSession, origin: str, channel: str, rows: Sequence[PresenceRow]
    ) -> None:
        await session.exec(
            delete(SQLLivePresence).where(
                col(SQLLivePresence.channel) == channel, col(SQLLivePresence.origin) == origin
            )
        )
        if rows:
            await session.exec(
                insert(SQLLivePresence).values(
                    [
                        {
                            "channel": channel,
                            "origin": origin,
                            "entry_key": row.key,
                            "name": row.name,
                            "user_id": row.user_id,
                            "tabs": row.tabs,
                            "expires_at": self._expiry(),
                        }
                        for row in rows
                    ]
                )
            )

    async def write(self, origin: str, channel: str, rows: Sequence[PresenceRow]) -> None:
        async with await self._open() as session:
            await self._replace(session, origin, channel, rows)
            await session.commit()

    async def refresh(self, origin: str, local: LocalRows) -> None:
        expected = sum(len(rows) for rows in local.values())
        async with await self._open() as session:
            result = await session.exec(
                update(SQLLivePresence)
                .where(col(SQLLivePresence.origin) == origin)
                .values(expires_at=self._expiry())
            )
            if result.rowcount != expected:  # swept while this process was stalled, or a write failed
                await session.exec(delete(SQLLivePresence).where(col(SQLLivePresence.origin) == origin))
                for channel, rows in local.items():
                    await self._replace(session, origin, channel, rows)
            await session.commit()

    async def read(self, channels: Collection[str]) -> dict[str, list[PresenceRow]]:
        if not channels:
            return {}
        async with self._sessionmaker() as session:
            result = await session.exec(
                select(SQLLivePresence).where(
                    col(SQLLivePresence.channel).in_(list(channels)),
                    col(SQLLivePresence.expires_at) > func.now(),
                )
            )
            found: dict[str, list[PresenceRow]] = {}
            for row in result:
                found.setdefault(row.channel, []).append(
                    PresenceRow(row.origin, row.entry_key, row.name, row.tabs, row.user_id)
                )
        return found

    async def forget(self, origin: str, channels: Collection[str]) -> None:
        async with self._sessionmaker() as session:
            await session.exec(delete(SQLLivePresence).where(col(SQLLivePresence.origin) == origin))
            await session.commit()

    async def sweep_expired(self) -> int:
        async with self._sessionmaker() as session:
            result = await session.exec(
                delete(SQLLivePresence).where(col(SQLLivePresence.expires_at) <= func.now())
            )
            await session.commit()
        return int(result.rowcount or 0)


class RedisPresenceStore(PresenceStore):
    """``<app>:presence:<channel>`` -> {origin: JSON ``{"e": expiry, "r": [[key, name, tabs, user id]]}``}."""

    def __init__(self, redis: Redis, ttl_seconds: float, *, key_prefix: str | None = None) -> None:
        super().__init__(ttl_seconds)
        self._redis = redis
        self.key_prefix = key_prefix if key_prefix is not None else redis_key_prefix(REDIS_KEY_KIND)
        self._clock_offset = 0.0

    async def start(self) -> None:
        # Expiries are compared across hosts: measure them all against the Redis server's clock.
        seconds, microseconds = await self._redis.time()
        self._clock_offset = seconds + microseconds / 1e6 - time.time()

    def _now(self) -> float:
        return time.time() + self._clock_offset

    def _field_value(self, rows: Sequence[PresenceRow]) -> bytes:
        return orjson.dumps(
            {"e": self._now() + self.ttl_seconds, "r": [[r.key, r.name, r.tabs, r.user_id] for r in rows]}
        )

    async def write(self, origin: str, channel: str, rows: Sequence[PresenceRow]) -> None:
        key = self.key_prefix + channel
        async with self._redis.pipeline(transaction=False) as pipe:
            if rows:
                pipe.hset(key, origin, self._field_value(rows))
                pipe.expire(key, max(1, round(self.ttl_seconds)) + 1)
            else:
                pipe.hdel(key, origin)
            await pipe.execute()

    async def refresh(self, origin: str, local: LocalRows) -> None:
        if not local:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for channel, rows in local.items():
                key = self.key_prefix + channel
                pipe.hset(key, origin, self._field_value(rows))
                pipe.expire(key, max(1, round(self.ttl_seconds)) + 1)
            await pipe.execute()

    async def read(self, channels: Collection[str]) -> dict[str, list[PresenceRow]]:
        ordered = list(channels)
        if not ordered:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for channel in ordered:
                pipe.hgetall(self.key_prefix + channel)
            hashes = await pipe.execute()
        now = self._now()
        found: dict[str, list[PresenceRow]] = {}
        expired: list[tuple[str, str]] = []
        for channel, fields in zip(ordered, hashes, strict=True):
            for raw_origin, raw_value in fields.items():
                origin = raw_origin.decode() if isinstance(raw_origin, bytes) else str(raw_origin)
                value = orjson.loads(raw_value)
                if value["e"] <= now:
                    expired.append((channel, origin))
                    continue
                found.setdefault(channel, []).extend(
                    PresenceRow(origin, key, name, int(tabs), user_id)
                    for key, name, tabs, user_id in value["r"]
                )
        if expired:  # a process that died: nobody else will delete its fields (one that was only
            # stalled and wrote again meanwhile loses its field until its next heartbeat rewrites it)
            async with self._redis.pipeline(transaction=False) as pipe:
                for channel, origin in expired:
                    pipe.hdel(self.key_prefix + channel, origin)
                await pipe.execute()
        return found

    async def forget(self, origin: str, channels: Collection[str]) -> None:
        if not channels:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for channel in channels:
                pipe.hdel(self.key_prefix + channel, origin)
            await pipe.execute()
