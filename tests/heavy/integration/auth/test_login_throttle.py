"""Failed-login limits per account and per address, and sign-up limits per address, on PostgreSQL
and Redis alike."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.login_throttle import (
    LoginThrottle,
    PostgresLoginThrottle,
    RedisLoginThrottle,
    ThrottleLimits,
)
from heavy.data.db_connection import SessionMaker
from tests.factories import insert_login_attempt_counters, login_attempt_counters
from tests.support.external_services import require_external_redis

pytestmark = pytest.mark.slow

LIMITS = ThrottleLimits(per_account=3, per_address=5, sign_ups_per_address=4)


@pytest.fixture(params=["postgres", "redis"])
async def throttle(
    request: pytest.FixtureRequest, sql_sessionmaker: SessionMaker
) -> AsyncIterator[LoginThrottle]:
    if request.param == "postgres":
        yield PostgresLoginThrottle(sql_sessionmaker, LIMITS)
        return
    redis: Redis = Redis.from_url(require_external_redis())
    yield RedisLoginThrottle(redis, LIMITS)
    await redis.aclose()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


async def fail_logins(throttle: LoginThrottle, times: int, *, account: str, address: str) -> None:
    """Attempts that were let through and then failed (a failure keeps its count)."""
    for _ in range(times):
        assert await throttle.try_login(account=account, address=address)


class TestLoginThrottle:
    async def test_an_account_is_blocked_after_its_limit(self, throttle: LoginThrottle) -> None:
        account, address = unique("ada@example.com"), unique("10.0.0.1")
        await fail_logins(throttle, LIMITS.per_account, account=account, address=address)

        assert not await throttle.try_login(account=account, address=address)
        assert await throttle.try_login(account=unique("other@example.com"), address=unique("10.0.0.2"))

    async def test_an_address_is_blocked_across_accounts(self, throttle: LoginThrottle) -> None:
        address = unique("10.0.0.9")
        for _ in range(LIMITS.per_address):
            assert await throttle.try_login(account=unique("spray@example.com"), address=address)

        assert not await throttle.try_login(account=unique("fresh@example.com"), address=address)

    async def test_a_success_clears_the_account_count_and_gives_the_address_its_attempt_back(
        self, throttle: LoginThrottle
    ) -> None:
        account, address = unique("bob@example.com"), unique("10.0.0.3")
        await fail_logins(throttle, LIMITS.per_account - 1, account=account, address=address)
        assert await throttle.try_login(account=account, address=address)

        await throttle.login_succeeded(account=account, address=address)

        await fail_logins(throttle, LIMITS.per_account, account=account, address=address)
        other_accounts = LIMITS.per_address - LIMITS.per_account - (LIMITS.per_account - 1)
        await fail_logins(throttle, other_accounts, account=unique("carol@example.com"), address=address)
        assert not await throttle.try_login(account=unique("dave@example.com"), address=address)

    async def test_an_attempt_that_was_never_checked_uses_up_nothing(self, throttle: LoginThrottle) -> None:
        account, address = unique("busy@example.com"), unique("10.0.0.12")
        for _ in range(3 * LIMITS.per_account):
            assert await throttle.try_login(account=account, address=address)
            await throttle.login_not_checked(account=account, address=address)

        await fail_logins(throttle, LIMITS.per_account, account=account, address=address)
        assert not await throttle.try_login(account=account, address=address)

    async def test_concurrent_logins_are_let_through_up_to_the_limit_exactly(
        self, throttle: LoginThrottle
    ) -> None:
        account, address = unique("crowd@example.com"), unique("10.0.0.13")

        allowed = await asyncio.gather(
            *(throttle.try_login(account=account, address=address) for _ in range(4 * LIMITS.per_account))
        )

        assert allowed.count(True) == LIMITS.per_account

    async def test_an_address_is_blocked_from_signing_up_after_its_limit(
        self, throttle: LoginThrottle
    ) -> None:
        address = unique("10.0.0.6")
        for _ in range(LIMITS.sign_ups_per_address):
            assert await throttle.try_sign_up(address=address)

        assert not await throttle.try_sign_up(address=address)
        assert await throttle.try_sign_up(address=unique("10.0.0.7"))

    async def test_concurrent_sign_ups_are_let_through_up_to_the_limit_exactly(
        self, throttle: LoginThrottle
    ) -> None:
        address = unique("10.0.0.14")

        allowed = await asyncio.gather(
            *(throttle.try_sign_up(address=address) for _ in range(5 * LIMITS.sign_ups_per_address))
        )

        assert allowed.count(True) == LIMITS.sign_ups_per_address

    async def test_sign_ups_and_failed_logins_are_counted_apart(self, throttle: LoginThrottle) -> None:
        login_sprayer, sign_up_prober = unique("10.0.0.8"), unique("10.0.0.10")
        for _ in range(LIMITS.per_address):
            await throttle.try_login(account=unique("spray@example.com"), address=login_sprayer)
        for _ in range(LIMITS.sign_ups_per_address):
            await throttle.try_sign_up(address=sign_up_prober)

        assert await throttle.try_sign_up(address=login_sprayer)
        assert await throttle.try_login(account=unique("fresh@example.com"), address=sign_up_prober)


class TestPostgresLoginThrottle:
    async def test_a_window_that_ended_starts_counting_again(
        self, sql_sessionmaker: SessionMaker, sql_engine: AsyncEngine
    ) -> None:
        throttle = PostgresLoginThrottle(sql_sessionmaker, LIMITS)
        account, address = unique("old@example.com"), unique("10.0.0.4")
        await fail_logins(throttle, LIMITS.per_account, account=account, address=address)
        async with sql_engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE login_attempts SET window_started_at = now() - interval '1 day' WHERE key = :key"
                ),
                {"key": f"account:{account}"},
            )

        assert await throttle.try_login(account=account, address=address)

        async with sql_engine.connect() as connection:
            failures = await connection.scalar(
                text("SELECT failures FROM login_attempts WHERE key = :key"), {"key": f"account:{account}"}
            )
        assert failures == 1

    async def test_sweeping_deletes_only_counters_whose_window_is_over(
        self, sql_sessionmaker: SessionMaker, sql_engine: AsyncEngine
    ) -> None:
        throttle = PostgresLoginThrottle(sql_sessionmaker, LIMITS)
        stale, recent = unique("address:10.0.1.1"), unique("address:10.0.1.2")
        await insert_login_attempt_counters(
            sql_engine, {stale: timedelta(minutes=16), recent: timedelta(minutes=14)}
        )

        swept = await throttle.sweep_expired()

        assert swept >= 1
        assert await login_attempt_counters(sql_engine, stale, recent) == {recent}


class TestRedisLoginThrottle:
    async def test_counters_expire_with_the_window(self, redis: Redis) -> None:
        throttle = RedisLoginThrottle(redis, LIMITS)
        account = unique("ttl@example.com")

        await throttle.try_login(account=account, address=unique("10.0.0.5"))

        ttl = await redis.ttl(f"heavy_stack:login_failures:account:{account}")
        assert 0 < ttl <= LIMITS.window.total_seconds()

    async def test_later_failures_count_on_without_extending_the_window(self, redis: Redis) -> None:
        throttle = RedisLoginThrottle(redis, LIMITS)
        account = unique("window@example.com")
        key = f"heavy_stack:login_failures:account:{account}"
        await throttle.try_login(account=account, address=unique("10.0.0.11"))
        await redis.expire(key, 100)  # as if the window had been running for a while

        await throttle.try_login(account=account, address=unique("10.0.0.11"))

        assert int(await redis.get(key) or 0) == 2
        assert 0 < await redis.ttl(key) <= 100

    async def test_a_refund_after_the_window_ended_leaves_no_key_behind(self, redis: Redis) -> None:
        throttle = RedisLoginThrottle(redis, LIMITS)
        account, address = unique("late@example.com"), unique("10.0.0.15")
        await throttle.try_login(account=account, address=address)
        await redis.delete(f"heavy_stack:login_failures:address:{address}")  # as if it had expired

        await throttle.login_succeeded(account=account, address=address)

        assert await redis.exists(f"heavy_stack:login_failures:address:{address}") == 0
