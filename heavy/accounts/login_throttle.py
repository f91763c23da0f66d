"""Rate limits on logins (per account and per client address) and sign-ups (per address).

Counters live where sessions live (PostgreSQL by default, Redis when configured), so every
worker sees the same counts. An attempt is counted *before* any work is done for it, each count in
one atomic statement that also answers the new total (PostgreSQL ``INSERT ... ON CONFLICT DO
UPDATE ... RETURNING``, Redis ``SET NX EX`` + ``INCR`` in one ``MULTI``): so however many attempts
arrive at once, no more than the limit are let through. Checking first and counting afterwards
let every concurrent attempt pass the check before any of them was counted.

Keys are counted whether or not the account exists, so the limit itself reveals nothing about
which emails are registered; the sign-up limit caps how fast one address can try.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import ColumnElement, case, func, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, delete

from heavy.accounts.login_session_model import SQLLoginAttempts
from heavy.app import redis_key_prefix
from heavy.data.db_connection import SessionMaker

REDIS_KEY_KIND = "login_failures"

# Decrements a counter only while its window runs: a refund arriving after the window ended must
# neither go below zero nor create a key without an expiry.
_REDIS_REFUND = """
for _, key in ipairs(KEYS) do
    local count = tonumber(redis.call('GET', key) or '0')
    if count > 0 then redis.call('DECR', key) end
end
return 0
"""


@dataclass(frozen=True)
class ThrottleLimits:
    per_account: int = 5
    per_address: int = 20
    sign_ups_per_address: int = 10
    window: timedelta = timedelta(minutes=15)


class LoginThrottle(abc.ABC):
    """Counts attempts before they are checked: ``try_*`` says whether one may go ahead.

    A login counts against its account and its client address until it is known to be good:
    a success clears the account's count and gives the address its attempt back, so only failed
    (and still running) logins use up a limit. A sign-up counts whatever its outcome.
    """

    def __init__(self, limits: ThrottleLimits | None = None) -> None:
        self.limits = limits or ThrottleLimits()

    async def try_login(self, *, account: str, address: str) -> bool:
        """Count a login attempt; False when the account or the address is over its limit."""
        account_count, address_count = await self._count_attempts(
            [_account_key(account), _address_key(address)]
        )
        return account_count <= self.limits.per_account and address_count <= self.limits.per_address

    async def login_succeeded(self, *, account: str, address: str) -> None:
        await self._reset(_account_key(account))
        await self._refund([_address_key(address)])

    async def login_not_checked(self, *, account: str, address: str) -> None:
        """The attempt was counted but never checked (the server was too busy): it uses up nothing."""
        await self._refund([_account_key(account), _address_key(address)])

    async def try_sign_up(self, *, address: str) -> bool:
        """Count a sign-up attempt, successful or not; False when the address is over its limit."""
        (count,) = await self._count_attempts([_sign_up_key(address)])
        return count <= self.limits.sign_ups_per_address

    async def sign_up_not_checked(self, *, address: str) -> None:
        await self._refund([_sign_up_key(address)])

    async def sweep_expired(self) -> int:
        """Delete counters whose window is over; how many went. (Redis expires keys itself.)"""
        return 0

    @abc.abstractmethod
    async def _count_attempts(self, keys: Sequence[str]) -> list[int]:
        """Add one to each key (a new window where none runs) atomically; the new counts, in order."""

    @abc.abstractmethod
    async def _refund(self, keys: Sequence[str]) -> None:
        """Take one back from each key whose window still runs (never below zero)."""

    @abc.abstractmethod
    async def _reset(self, key: str) -> None: ...


class PostgresLoginThrottle(LoginThrottle):
    def __init__(self, sessionmaker: SessionMaker, limits: ThrottleLimits | None = None) -> None:
        super().__init__(limits)
        self._sessionmaker = sessionmaker

    async def _count_attempts(self, keys: Sequence[str]) -> list[int]:
        now = datetime.now(UTC)
        window_expired = col(SQLLoginAttempts.window_started_at) <= now - self.limits.window
        # Rows are locked in key order, the same in every statement here, so two attempts sharing
        # keys can never wait on each other in a cycle.
        values = insert(SQLLoginAttempts).values(
            [{"key": key, "window_started_at": now, "failures": 1} for key in sorted(set(keys))]
        )
        statement = values.on_conflict_do_update(
            index_elements=[SQLLoginAttempts.key],
            set_={
                # a new window starts when the old one is over; otherwise count on
                "window_started_at": _case(window_expired, now, SQLLoginAttempts.window_started_at),
                "failures": _case(window_expired, 1, SQLLoginAttempts.failures + 1),
            },
        ).returning(col(SQLLoginAttempts.key), col(SQLLoginAttempts.failures))
        async with self._sessionmaker() as session:
            counts = {key: failures for key, failures in (await session.exec(statement)).all()}
            await session.commit()
        return [counts[key] for key in keys]

    async def _refund(self, keys: Sequence[str]) -> None:
        window_running = col(SQLLoginAttempts.window_started_at) > datetime.now(UTC) - self.limits.window
        statement = (
            update(SQLLoginAttempts)
            .where(col(SQLLoginAttempts.key).in_(sorted(set(keys))), window_running)
            .values(failures=func.greatest(SQLLoginAttempts.failures - 1, 0))
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
        self.key_prefix = redis_key_prefix(REDIS_KEY_KIND)
        self._refund_script = redis.register_script(_REDIS_REFUND)

    async def _count_attempts(self, keys: Sequence[str]) -> list[int]:
        # SET NX EX starts a window (with its expiry) only where none is running, and INCR keeps the
        # expiry and answers the new count; in one MULTI no key is ever left without an expiry.
        # Unlike EXPIRE NX (Redis 7.0+), this works on every Redis since 2.6.12.
        window_seconds = int(self.limits.window.total_seconds())
        async with self._redis.pipeline(transaction=True) as pipeline:
            for key in keys:
                pipeline.set(self.key_prefix + key, 0, ex=window_seconds, nx=True)
                pipeline.incr(self.key_prefix + key)
            results = await pipeline.execute()
        return [int(count) for count in results[1::2]]

    async def _refund(self, keys: Sequence[str]) -> None:
        await self._refund_script(keys=[self.key_prefix + key for key in keys])

    async def _reset(self, key: str) -> None:
        await self._redis.delete(self.key_prefix + key)


def _account_key(account: str) -> str:
    return f"account:{account}"


def _address_key(address: str) -> str:
    return f"address:{address}"


def _sign_up_key(address: str) -> str:
    return f"signup:{address}"


def _case(condition: ColumnElement[bool], when_true: object, otherwise: object) -> ColumnElement[object]:
    return case((condition, when_true), else_=otherwise)


def create_login_throttle(sessionmaker: SessionMaker, redis: Redis | None) -> LoginThrottle:
    return RedisLoginThrottle(redis) if redis is not None else PostgresLoginThrottle(sessionmaker)
