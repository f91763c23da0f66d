"""Failed-login rate limiting, per account and per client address.

Counters live where sessions live (PostgreSQL by default, Redis when configured), so every
worker sees the same counts. Keys are counted whether or not the account exists, so the limit
itself reveals nothing about which emails are registered.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import ColumnElement, case
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, delete, select

from heavy_stack.backend.data.db_connection import SessionMaker
from heavy_stack.backend.data.sql_models.login_session import SQLLoginAttempts

REDIS_KEY_PREFIX = "heavy_stack:login_failures:"


@dataclass(frozen=True)
class ThrottleLimits:
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class LoginThrottle(abc.ABC):
    def __init__(self, limits: ThrottleLimits | None = None) -> None:
        self.limits = limits or ThrottleLimits()

    async def is_blocked(self, *, account: str, address: str) -> bool:
        return (
            await self._failures(f"account:{account}") >= self.limits.per_account
            or await self._failures(f"address:{address}") >= self.limits.per_address
        )

    async def record_failure(self, *, account: str, address: str) -> None:
        await self._increment(f"account:{account}")
        await self._increment(f"address:{address}")

    async def record_success(self, *, account: str) -> None:
        await self._reset(f"account:{account}")

    @abc.abstractmethod
    async def _failures(self, key: str) -> int: ...

    @abc.abstractmethod
    async def _increment(self, key: str) -> None: ...

    @abc.abstractmethod
    async def _reset(self, key: str) -> None: ...


class PostgresLoginThrottle(LoginThrottle):
    def __init__(self, sessionmaker: SessionMaker, limits: ThrottleLimits | None = None) -> None:
        super().__init__(limits)
        self._sessionmaker = sessionmaker

    async def _failures(self, key: str) -> int:
        async with self._sessionmaker() as session:
            row = (
                await session.exec(select(SQLLoginAttempts).where(col(SQLLoginAttempts.key) == key))
            ).first()
        if row is None or row.window_started_at + self.limits.window <= datetime.now(UTC):
            return 0
        return row.failures

    async def _increment(self, key: str) -> None:
        now = datetime.now(UTC)
        window_expired = col(SQLLoginAttempts.window_started_at) <= now - self.limits.window
        statement = insert(SQLLoginAttempts).values(key=key, window_started_at=now, failures=1)
        statement = statement.on_conflict_do_update(
            index_elements=[SQLLoginAttempts.key],
            set_={
                # a new window starts when the old one is over; otherwise count on
                "window_started_at": _case(window_expired, now, SQLLoginAttempts.window_started_at),
                "failures": _case(window_expired, 1, SQLLoginAttempts.failures + 1),
            },
        )
        async with self._sessionmaker() as session:
            await session.exec(statement)
            await session.commit()

    async def _reset(self, key: str) -> None:
        async with self._sessionmaker() as session:
            await session.exec(delete(SQLLoginAttempts).where(col(SQLLoginAttempts.key) == key))
            await session.commit()


class RedisLoginThrottle(LoginThrottle):
    def __init__(self, redis: Redis, limits: ThrottleLimits | None = None) -> None:
        super().__init__(limits)
        self._redis = redis

    async def _failures(self, key: str) -> int:
        value = await self._redis.get(REDIS_KEY_PREFIX + key)
        return int(value or 0)

    async def _increment(self, key: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipeline:
            pipeline.incr(REDIS_KEY_PREFIX + key)
            pipeline.expire(REDIS_KEY_PREFIX + key, int(self.limits.window.total_seconds()), nx=True)
            await pipeline.execute()

    async def _reset(self, key: str) -> None:
        await self._redis.delete(REDIS_KEY_PREFIX + key)


def _case(condition: ColumnElement[bool], when_true: object, otherwise: object) -> ColumnElement[object]:
    return case((condition, when_true), else_=otherwise)


def create_login_throttle(sessionmaker: SessionMaker, redis: Redis | None) -> LoginThrottle:
    return RedisLoginThrottle(redis) if redis is not None else PostgresLoginThrottle(sessionmaker)
