"""Login sessions: an unguessable id in an HttpOnly cookie, the rest on the server.

One interface, :class:`SessionStore`, two backends: PostgreSQL (the default; a table, expired
rows swept) and Redis (when ``REDIS_URL`` is set; keys expire by themselves). A short-lived
in-process cache (:class:`CachedSessionStore`) sits in front, as in the original stack, so a page
and its websocket do not each cost a round trip. Stores keep only the SHA-256 of a session id.
"""

from __future__ import annotations

import abc
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import orjson
from redis.asyncio import Redis
from sqlalchemy import delete
from sqlmodel import col, select

from heavy.accounts.login_session_model import SQLLoginSession
from heavy.app import redis_key_prefix
from heavy.data.db_connection import SessionMaker

logger = logging.getLogger(__name__)

SESSION_COOKIE = "heavy_session"
SESSION_ID_BYTES = 32  # 256 bits from the OS CSPRNG
REDIS_KEY_KIND = "session"


@dataclass(frozen=True)
class LoginSession:
    """A signed-in browser: the id lives only in its cookie."""

    id: str
    user_id: UUID
    expires_at: datetime


def new_session_id() -> str:
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def looks_like_session_id(value: str) -> bool:
    """Cheap shape check before any lookup: forged cookies of the wrong shape cost nothing."""
    return 40 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


class SessionStore(abc.ABC):
    """Where login sessions live. Every method is safe to call with a forged or expired id."""

    def __init__(self, ttl: timedelta) -> None:
        self.ttl = ttl

    async def create(self, user_id: UUID) -> LoginSession:
        session = LoginSession(id=new_session_id(), user_id=user_id, expires_at=datetime.now(UTC) + self.ttl)
        await self._save(hash_session_id(session.id), session.user_id, session.expires_at)
        return session

    async def get(self, session_id: str) -> LoginSession | None:
        """The live session for ``session_id``, or None (unknown, expired or malformed)."""
        if not looks_like_session_id(session_id):
            return None
        found = await self._load(hash_session_id(session_id))
        if found is None:
            return None
        user_id, expires_at = found
        if expires_at <= datetime.now(UTC):
            return None
        return LoginSession(id=session_id, user_id=user_id, expires_at=expires_at)

    async def delete(self, session_id: str) -> None:
        if looks_like_session_id(session_id):
            await self._delete(hash_session_id(session_id))

    async def rotate(self, old_session_id: str | None, user_id: UUID) -> LoginSession:
        """A new session for ``user_id``, the old one (if any) gone: what login does against fixation."""
        if old_session_id:
            await self.delete(old_session_id)
        return await self.create(user_id)

    async def sweep_expired(self) -> int:
        """Delete expired sessions; how many went. (Redis expires keys itself.)"""
        return 0

    @abc.abstractmethod
    async def _save(self, id_hash: str, user_id: UUID, expires_at: datetime) -> None: ...

    @abc.abstractmethod
    async def _load(self, id_hash: str) -> tuple[UUID, datetime] | None: ...

    @abc.abstractmethod
    async def _delete(self, id_hash: str) -> None: ...


class PostgresSessionStore(SessionStore):
    """Sessions in the ``login_sessions`` table of the SQL database."""

    def __init__(self, sessionmaker: SessionMaker, ttl: timedelta) -> None:
        super().__init__(ttl)
        self._sessionmaker = sessionmaker

    async def _save(self, id_hash: str, user_id: UUID, expires_at: datetime) -> None:
        async with self._sessionmaker() as session:
            session.add(SQLLoginSession(id_hash=id_hash, user_id=user_id, expires_at=expires_at))
            await session.commit()

    async def _load(self, id_hash: str) -> tuple[UUID, datetime] | None:
        async with self._sessionmaker() as session:
            row = (
                await session.exec(select(SQLLoginSession).where(col(SQLLoginSession.id_hash) == id_hash))
            ).first()
        return None if row is None else (row.user_id, row.expires_at)

    async def _delete(self, id_hash: str) -> None:
        async with self._sessionmaker() as session:
            await session.exec(delete(SQLLoginSession).where(col(SQLLoginSession.id_hash) == id_hash))
            await session.commit()

    async def sweep_expired(self) -> int:
        async with self._sessionmaker() as session:
            result = await session.exec(
                delete(SQLLoginSession).where(col(SQLLoginSession.expires_at) <= datetime.now(UTC))
            )
            await session.commit()
        return int(result.rowcount or 0)


class RedisSessionStore(SessionStore):
    """Sessions as Redis keys that expire with the session."""

    def __init__(self, redis: Redis, ttl: timedelta) -> None:
        super().__init__(ttl)
        self._redis = redis
        self.key_prefix = redis_key_prefix(REDIS_KEY_KIND)

    async def _save(self, id_hash: str, user_id: UUID, expires_at: datetime) -> None:
        value = orjson.dumps({"user_id": str(user_id), "expires_at": expires_at.isoformat()})
        await self._redis.set(self.key_prefix + id_hash, value, exat=int(expires_at.timestamp()) + 1)

    async def _load(self, id_hash: str) -> tuple[UUID, datetime] | None:
        raw = await self._redis.get(self.key_prefix + id_hash)
        if raw is None:
            return None
        try:
            value = orjson.loads(raw)
            return UUID(value["user_id"]), datetime.fromisoformat(value["expires_at"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            logger.warning("ignoring a malformed session entry in Redis")
            return None

    async def _delete(self, id_hash: str) -> None:
        await self._redis.delete(self.key_prefix + id_hash)


class CachedSessionStore(SessionStore):
    """A few seconds of in-process memory in front of another store.

    A logout on one worker reaches the others within ``cache_seconds``; that bounded delay is the
    price of not asking the database on every request of a page.
    """

    def __init__(self, store: SessionStore, *, cache_seconds: float = 5.0, max_entries: int = 10_000) -> None:
        super().__init__(store.ttl)
        self._store = store
        self._cache_seconds = cache_seconds
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, tuple[UUID, datetime] | None]] = {}

    async def _save(self, id_hash: str, user_id: UUID, expires_at: datetime) -> None:
        await self._store._save(id_hash, user_id, expires_at)
        self._remember(id_hash, (user_id, expires_at))

    async def _load(self, id_hash: str) -> tuple[UUID, datetime] | None:
        cached = self._entries.get(id_hash)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        found = await self._store._load(id_hash)
        self._remember(id_hash, found)
        return found

    async def _delete(self, id_hash: str) -> None:
        self._entries.pop(id_hash, None)
        await self._store._delete(id_hash)

    async def sweep_expired(self) -> int:
        self._entries.clear()
        return await self._store.sweep_expired()

    def _remember(self, id_hash: str, value: tuple[UUID, datetime] | None) -> None:
        if len(self._entries) >= self._max_entries:
            self._entries.clear()  # crude but bounded; the cache is only a few seconds deep anyway
        self._entries[id_hash] = (time.monotonic() + self._cache_seconds, value)


def create_session_store(ttl: timedelta, sessionmaker: SessionMaker, redis: Redis | None) -> SessionStore:
    """Redis when configured, else PostgreSQL; always behind the short in-process cache."""
    backend: SessionStore = (
        RedisSessionStore(redis, ttl) if redis is not None else PostgresSessionStore(sessionmaker, ttl)
    )
    return CachedSessionStore(backend)
