"""Where tab snapshots are kept between connections: one interface, three backends.

- :class:`MemoryStateStore`: this process only (one worker, development); lost on restart.
- :class:`PostgresStateStore`: the ``ui_state_snapshots`` table; survives restarts and is shared
  by every worker and host on the database (the default).
- :class:`RedisStateStore`: when ``REDIS_URL`` is set.

Entries expire (``STATE_TTL_SECONDS``) and have a size cap (``STATE_MAX_BYTES``), checked when
saving and again when loading (the cap may have been lowered since). Every entry is
authenticated: its bytes carry an HMAC over the entry's key, its expiry and its payload, made
with a key derived from ``SECRET_KEY``. A snapshot changed in the store, or copied under another
tab's key, fails the check and is refused (:class:`RefusedSnapshot`), so the tab starts fresh.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import struct
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, delete, select

from heavy.app import redis_key_prefix
from heavy.data.db_connection import SessionMaker
from heavy.realtime.ui_state_snapshot_model import SQLUIStateSnapshot

REDIS_KEY_KIND = "ui_state"
_MAC_BYTES = 32
_HEADER = struct.Struct(">Q")  # expiry, unix seconds


class RefusedSnapshot(Exception):
    """A stored snapshot that must not be used; ``reason`` says why, for one log line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SnapshotTooLarge(Exception):
    pass


@dataclass(frozen=True)
class SnapshotLimits:
    ttl: timedelta = timedelta(days=1)
    max_bytes: int = 64 * 1024


class StateStore(abc.ABC):
    """Stores opaque snapshot payloads under a key, sealed with an HMAC."""

    def __init__(self, signing_key: bytes, limits: SnapshotLimits) -> None:
        self._signing_key = signing_key
        self.limits = limits
        self.closed = False  # set when the server stops: no more writes

    async def save(self, key: str, payload: bytes) -> None:
        if len(payload) > self.limits.max_bytes:
            raise SnapshotTooLarge(f"{len(payload)} bytes is over the {self.limits.max_bytes}-byte cap")
        expires = int(time.time() + self.limits.ttl.total_seconds())
        body = _HEADER.pack(expires) + payload
        await self._write(key, self._seal(key, body), expires)

    async def load(self, key: str) -> bytes | None:
        """The payload saved under ``key``; None if there is none; RefusedSnapshot if it is bad."""
        sealed = await self._read(key)
        if sealed is None:
            return None
        if len(sealed) < _MAC_BYTES + _HEADER.size:
            raise RefusedSnapshot("truncated entry")
        size = len(sealed) - _MAC_BYTES - _HEADER.size
        if size > self.limits.max_bytes:  # saved before the cap was lowered, or written by someone else
            raise RefusedSnapshot(
                f"{size} bytes is over the {self.limits.max_bytes}-byte cap (STATE_MAX_BYTES)"
            )
        mac, body = sealed[:_MAC_BYTES], sealed[_MAC_BYTES:]
        if not hmac.compare_digest(mac, self._mac(key, body)):
            raise RefusedSnapshot("authentication failed (altered, or saved for another tab or session)")
        (expires,) = _HEADER.unpack(body[: _HEADER.size])
        if expires <= time.time():
            raise RefusedSnapshot("expired")
        return body[_HEADER.size :]

    async def delete(self, key: str) -> None:
        await self._remove(key)

    async def sweep_expired(self) -> int:
        return 0

    def _seal(self, key: str, body: bytes) -> bytes:
        return self._mac(key, body) + body

    def _mac(self, key: str, body: bytes) -> bytes:
        return hmac.new(self._signing_key, key.encode() + b"\x00" + body, hashlib.sha256).digest()

    @abc.abstractmethod
    async def _write(self, key: str, sealed: bytes, expires: int) -> None: ...

    @abc.abstractmethod
    async def _read(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    async def _remove(self, key: str) -> None: ...


class MemoryStateStore(StateStore):
    def __init__(self, signing_key: bytes, limits: SnapshotLimits, *, max_entries: int = 10_000) -> None:
        super().__init__(signing_key, limits)
        self._entries: dict[str, tuple[int, bytes]] = {}
        self._max_entries = max_entries

    async def _write(self, key: str, sealed: bytes, expires: int) -> None:
        if len(self._entries) >= self._max_entries and key not in self._entries:
            await self.sweep_expired()
            if len(self._entries) >= self._max_entries:
                self._entries.pop(next(iter(self._entries)))  # the oldest entry goes
        self._entries[key] = (expires, sealed)

    async def _read(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        return None if entry is None else entry[1]

    async def _remove(self, key: str) -> None:
        self._entries.pop(key, None)

    async def sweep_expired(self) -> int:
        now = time.time()
        expired = [key for key, (expires, _) in self._entries.items() if expires <= now]
        for key in expired:
            del self._entries[key]
        return len(expired)


class PostgresStateStore(StateStore):
    def __init__(self, sessionmaker: SessionMaker, signing_key: bytes, limits: SnapshotLimits) -> None:
        super().__init__(signing_key, limits)
        self._sessionmaker = sessionmaker

    async def _write(self, key: str, sealed: bytes, expires: int) -> None:
        expires_at = datetime.fromtimestamp(expires, UTC)
        statement = insert(SQLUIStateSnapshot).values(key=key, snapshot=sealed, expires_at=expires_at)
        statement = statement.on_conflict_do_update(
            index_elements=[SQLUIStateSnapshot.key], set_={"snapshot": sealed, "expires_at": expires_at}
        )
        async with self._sessionmaker() as session:
            connection = await session.connection()
            if connection.dialect.name == "postgresql":
                # A snapshot is cheap to lose (the tab starts fresh) and written often: don't make
                # every write wait for the WAL flush (PostgreSQL still never corrupts or reorders).
                await connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            await session.exec(statement)
            await session.commit()

    async def _read(self, key: str) -> bytes | None:
        async with self._sessionmaker() as session:
            row = (
                await session.exec(
                    select(SQLUIStateSnapshot.snapshot).where(col(SQLUIStateSnapshot.key) == key)
                )
            ).first()
        return row

    async def _remove(self, key: str) -> None:
        async with self._sessionmaker() as session:
            await session.exec(delete(SQLUIStateSnapshot).where(col(SQLUIStateSnapshot.key) == key))
            await session.commit()

    async def sweep_expired(self) -> int:
        async with self._sessionmaker() as session:
            result = await session.exec(
                delete(SQLUIStateSnapshot).where(col(SQLUIStateSnapshot.expires_at) <= datetime.now(UTC))
            )
            await session.commit()
        return int(result.rowcount or 0)


class RedisStateStore(StateStore):
    def __init__(self, redis: Redis, signing_key: bytes, limits: SnapshotLimits) -> None:
        super().__init__(signing_key, limits)
        self._redis = redis
        self.key_prefix = redis_key_prefix(REDIS_KEY_KIND)

    async def _write(self, key: str, sealed: bytes, expires: int) -> None:
        await self._redis.set(self.key_prefix + key, sealed, exat=expires)

    async def _read(self, key: str) -> bytes | None:
        value = await self._redis.get(self.key_prefix + key)
        if isinstance(value, str):
            return value.encode()
        return value

    async def _remove(self, key: str) -> None:
        await self._redis.delete(self.key_prefix + key)
