"""Rate limits hold when the attempts arrive at once, over real HTTP, on PostgreSQL and Redis alike.

Counting after the work (hash, then record the failure) let every concurrent attempt pass the
check before any was counted: 11 guesses were checked against a limit of 5, and 20 sign-ups from
one address were created against a limit of 10.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select

from heavy.accounts.login_throttle import REDIS_KEY_KIND, ThrottleLimits
from heavy.accounts.passwords import hash_password
from heavy.accounts.sessions import SESSION_COOKIE
from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_model import SQLUser
from heavy.accounts.user_mungers import UserSQLModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.app import redis_key_prefix
from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.data.db_connection import SessionMaker
from tests.support.external_services import require_external_redis
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

PASSWORD = "the one right password"
LIMITS = ThrottleLimits()
_app_numbers = itertools.count()


@pytest.fixture(params=["postgres", "redis"])
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def base_url(store: str, settings: HeavySettings) -> AsyncIterator[str]:
    app_settings = settings
    if store == "redis":
        app_settings = settings.model_copy(update={"redis_url": require_external_redis()})
    app = create_app(app_settings, name=f"limits_under_concurrency_{next(_app_numbers)}")
    async with serve_in_process(app) as url:
        yield url


@pytest.fixture
async def forget_redis_counters(store: str) -> AsyncIterator[None]:
    """The Redis counters of 127.0.0.1 (the conftest forgets the PostgreSQL ones)."""
    yield
    if store == "redis":
        redis: Redis = Redis.from_url(require_external_redis())
        prefix = redis_key_prefix(REDIS_KEY_KIND)
        await redis.delete(f"{prefix}address:127.0.0.1", f"{prefix}signup:127.0.0.1")
        await redis.aclose()


async def attempts_counted(store: str, sql_engine: AsyncEngine, key: str) -> int:
    if store == "redis":
        redis: Redis = Redis.from_url(require_external_redis())
        try:
            return int(await redis.get(redis_key_prefix(REDIS_KEY_KIND) + key) or 0)
        finally:
            await redis.aclose()
    async with sql_engine.connect() as connection:
        return int(
            await connection.scalar(
                text("SELECT failures FROM login_attempts WHERE key = :key"), {"key": key}
            )
            or 0
        )


async def wait_until(condition: Callable[[], Any], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():  # noqa: ASYNC110 (polling the store)
            await asyncio.sleep(0.01)


def new_email() -> str:
    return f"race-{uuid.uuid4().hex[:12]}@example.com"


async def post(http: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    return await http.post(path, data=data)


async def create_account(sessionmaker: SessionMaker, email: str) -> None:
    async with sessionmaker() as session:
        await UserManager(UserSQLModelMunger(), UserRepository(session)).create_user(
            display_name="Target", email=email, password_hash=await hash_password(PASSWORD)
        )
        await session.commit()


class TestLoginLimitUnderConcurrency:
    async def test_concurrent_guesses_are_checked_at_most_up_to_the_limit_and_the_right_one_is_refused(
        self,
        base_url: str,
        store: str,
        sql_engine: AsyncEngine,
        sql_sessionmaker: SessionMaker,
        forget_redis_counters: None,
    ) -> None:
        email = new_email()
        await create_account(sql_sessionmaker, email)
        wrong = {"email": email, "password": "a wrong guess"}
        async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
            guesses = [asyncio.create_task(post(http, "/auth/login", wrong)) for _ in range(11)]
            # The right password arrives while the guesses are still being checked.
            await wait_until(
                lambda: _limit_reached_or_all_answered(store, sql_engine, f"account:{email}", guesses)
            )
            right = await post(http, "/auth/login", {"email": email, "password": PASSWORD})
            answers = await asyncio.gather(*guesses)

        outcomes = sorted(outcome(response) for response in answers)
        checked = [answer for answer in outcomes if answer == "/login?error=invalid"]
        assert len(checked) <= LIMITS.per_account, outcomes
        # No 429 here: the 5 let through fit in one hashing turn and its waiting room (8 per turn).
        assert set(outcomes) <= {"/login?error=invalid", "/login?error=rate_limited"}
        assert outcome(right) == "/login?error=rate_limited"
        assert SESSION_COOKIE not in right.cookies


def outcome(response: httpx.Response) -> str:
    """A refusal for being too busy (429, counted against no limit), or where the answer redirects."""
    if response.status_code == 429:
        assert int(response.headers["retry-after"]) >= 1
        return "429 busy"
    return str(response.headers["location"])


async def _limit_reached_or_all_answered(
    store: str, sql_engine: AsyncEngine, key: str, guesses: list[asyncio.Task[httpx.Response]]
) -> bool:
    return all(guess.done() for guess in guesses) or (
        await attempts_counted(store, sql_engine, key) >= LIMITS.per_account
    )


class TestSignUpLimitUnderConcurrency:
    async def test_concurrent_sign_ups_from_one_address_create_at_most_the_limit(
        self,
        base_url: str,
        sql_sessionmaker: SessionMaker,
        forget_redis_counters: None,
    ) -> None:
        emails = [new_email() for _ in range(2 * LIMITS.sign_ups_per_address)]
        async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
            answers = await asyncio.gather(
                *(
                    post(
                        http, "/auth/signup", {"email": email, "password": PASSWORD, "display_name": "Racer"}
                    )
                    for email in emails
                )
            )
            after_the_limit = await post(
                http, "/auth/signup", {"email": new_email(), "password": PASSWORD, "display_name": "Late"}
            )

        async with sql_sessionmaker() as session:
            created = await session.scalar(select(func.count()).where(col(SQLUser.email).in_(emails)))
        outcomes = [outcome(response) for response in answers]
        assert created is not None
        assert created <= LIMITS.sign_ups_per_address
        assert outcomes.count("/signup?error=rate_limited") >= len(emails) - LIMITS.sign_ups_per_address
        assert set(outcomes) <= {"/signup?error=rate_limited", "/login?notice=check_email", "429 busy"}
        assert outcome(after_the_limit) == "/signup?error=rate_limited"
