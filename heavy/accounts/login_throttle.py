"""Rate limits on logins (failures per account and per client address) and sign-ups (per address).

Counters live where sessions live (PostgreSQL by default, Redis when configured), so every
worker sees the same counts. Keys are counted whether or not the account exists, so the limit
itself reveals nothing about which emails are registered; the sign-up limit caps how fast one
address can probe for taken emails.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import ColumnElement, case
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, delete, select

from heavy.accounts.login_session_model import SQLLoginAttempts
from heavy.data.db_connection import SessionMaker

REDIS_KEY_PREFIX = "heavy_stack:login_failures:"


@dataclass(frozen=True)
class ThrottleLimits:
    per_account: int = 5
    per_address: int = 20
    sign_ups_per_address: int = 10
    window: timedelta = timedelta(minutes=15)


class LoginThrottle(abc.ABC):
    def __init__(self, limits: ThrottleLimits | None = None) -> None:
        self.limits = limits or ThrottleLimits()

    async def is_blocked(self, *, account: str, address: str) -> bool:
        return (
            await self._count(f"account:{account}") >= self.limits.per_account
            or await self._count(f"address:{address}") >= self.limits.per_address
        )

    async def record_failure(self, *, account: str, address: str) -> None:
        await self._increment(f"account:{account}")
        await self._increment(f"address:{address}")

    async def record_success(self, *, account: str) -> None:
        await self._reset(f"account:{account}")

    async def is_sign_up_blocked(self, *, address: str) -> bool:
        return await self._count(f"signup:{address}") >= self.limits.sign_ups_per_address

    async def record_sign_up(self, *, address: str) -> None:
        """Every attempt counts, successful or not: a taken email is what an enumerator looks for."""
        await self._increment(f"signup:{address}")

    async def sweep_expired(self) -> int:
        """Delete counters whose window is over; how many went. (Redis expires keys itself.)"""
        return 0

    @abc.abstractmethod
    async def _count(self, key: str) -> int: ...

    @abc.abstractmethod
    async def _increment(self, key: str) -> None: ...

    @abc.abstractmethod
    async def _reset(self, key: str) -> None: ...


class PostgresLoginThrottle(LoginThrottle):
    def __init__(self, sessionmaker: SessionMaker, limits: ThrottleLimits | None = None) -> None:
        super().__init__(limits)
        self._sessionmaker = sessionmaker

    async def _count(self, key: str) -> int:
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

    async def sweep_expired(self) -> int:
        window_over = col(SQLLoginAttempts.window_started_at) <= datetime.now(UTC) - self.limits.window
        async with self._sessionmaker() as session:
            result = await session.exec(delete(SQLLoginAttempts).where(window_over))
            await session.commit()
        return int(result.rowcount or 0)


class RedisLoginThrottle(LoginThrottle):
    def __init__(self, redis: Redis, limits: ThrottleLimits | None = None) -> None:
        super().__init__(limits)
        self._redis = redis

    async def _count(self, key: str) -> int:
        value = await self._redis.get(REDIS_KEY_PREFIX + key)
        return int(value or 0)

    async def _increment(self, key: str) -> None:
        # SET NX EX starts a window (with its expiry) only where none is running, and INCR keeps the
        # expiry; in one MULTI no key is ever left without one. Unlike EXPIRE NX (Redis 7.0+), this
        # works on every Redis since 2.6.12.
        async with self._redis.pipeline(transaction=True) as pipeline:
            pipeline.set(REDIS_KEY_PREFIX + key, 0, ex=int(self.limits.window.total_seconds()), nx=True)
            pipeline.incr(REDIS_KEY_PREFIX + key)
            await pipeline.execute()

    async def _reset(self, key: str) -> None:
        await self._redis.delete(REDIS_KEY_PREFIX + key)


def _case(condition: ColumnElement[bool], when_true: object, otherwise: object) -> ColumnElement[object]:
    return case((condition, when_true), else_=otherwise)


def create_login_throttle(sessionmaker: SessionMaker, redis: Redis | None) -> LoginThrottle:
    return RedisLoginThrottle(redis) if redis is not None else PostgresLoginThrottle(sessionmaker)
