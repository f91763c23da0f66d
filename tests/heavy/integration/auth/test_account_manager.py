from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.accounts.account_manager import (
    AccountError,
    AccountManager,
    normalise_email,
)
from heavy.accounts.login_throttle import PostgresLoginThrottle, ThrottleLimits
from heavy.accounts.user_model import SQLUser
from heavy.accounts.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.accounts.users import User
from heavy.data.db_connection import SessionMaker

PASSWORD = "a long enough password"


@pytest.fixture
def throttle(sql_sessionmaker: SessionMaker) -> PostgresLoginThrottle:
    return PostgresLoginThrottle(sql_sessionmaker, ThrottleLimits(per_account=3, per_address=100))


def email() -> str:
    return f"Someone.{uuid.uuid4().hex[:8]}@Example.COM "


def client_address() -> str:
    """A client of its own: sign-up counts are committed, and must not add up across tests."""
    return f"10.1.0.1-{uuid.uuid4().hex[:8]}"


class TestNormaliseEmail:
    def test_trims_and_lower_cases(self) -> None:
        assert normalise_email("  Ada@Example.COM ") == "ada@example.com"

    @pytest.mark.parametrize(
        "bad", ["", "no-at-sign", "two@@example.com", "a b@example.com", "x@" + "y" * 330 + ".com"]
    )
    def test_refuses_what_is_not_an_email(self, bad: str) -> None:
        with pytest.raises(AccountError, match="invalid_email"):
            normalise_email(bad)


class TestSignUp:
    async def test_creates_a_user_with_a_normalised_email_and_a_hashed_password(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        address = email()
        outcome = await AccountManager(UserSQLModelMunger(), throttle).sign_up(
            email=address, password=PASSWORD, display_name="Ada", address=client_address()
        )

        user = outcome.user
        assert user is not None
        assert user.email == outcome.email == address.strip().lower()
        assert user.password_hash is not None
        assert PASSWORD not in user.password_hash
        assert user.public_key is not None

    async def test_an_email_in_use_creates_nothing_and_says_so_only_to_the_caller(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        address = email()
        first = await accounts.sign_up(
            email=address, password=PASSWORD, display_name="First", address=client_address()
        )

        second = await accounts.sign_up(
            email=address.upper(), password=PASSWORD, display_name="Second", address=client_address()
        )

        assert first.user is not None
        assert second.user is None
        assert second.email == first.email

    async def test_a_name_too_long_is_refused_whether_or_not_the_email_is_taken(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        taken = email()
        await accounts.sign_up(email=taken, password=PASSWORD, display_name="", address=client_address())

        for address in (taken, email()):
            with pytest.raises(AccountError, match="invalid_display_name"):
                await accounts.sign_up(
                    email=address, password=PASSWORD, display_name="x" * 101, address=client_address()
                )

    async def test_a_short_password_is_refused(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        with pytest.raises(AccountError, match="weak_password"):
            await AccountManager(UserModelMunger(), throttle).sign_up(
                email=email(), password="short", display_name="", address=client_address()
            )

    async def test_two_sign_ups_racing_for_one_email_give_one_account_and_one_taken_answer(
        self, sql_sessionmaker: SessionMaker, throttle: PostgresLoginThrottle
    ) -> None:
        shared_email = email()
        both_checked = asyncio.Barrier(2)
        outcomes: list[str] = []

        async def sign_up_and_commit(display_name: str) -> None:
            async with sql_sessionmaker() as session:
                repository = CheckThenWait(session, both_checked)
                client = client_address()
                outcome = await AccountManager(UserModelMunger(), throttle, repository).sign_up(
                    email=shared_email, password=PASSWORD, display_name=display_name, address=client
                )
                if outcome.user is None:
                    outcomes.append("taken")
                    assert await repository.get_user_by_email(normalise_email(shared_email)) is not None, (
                        "only the insert was undone: the session still answers"
                    )
                    return
                await session.commit()
                outcomes.append("created")

        await asyncio.gather(sign_up_and_commit("First"), sign_up_and_commit("Second"))

        assert sorted(outcomes) == ["created", "taken"]
        async with sql_sessionmaker() as session:
            accounts = await session.scalar(
                select(func.count()).where(col(SQLUser.email) == normalise_email(shared_email))
            )
        assert accounts == 1

    async def test_every_attempt_counts_towards_the_clients_sign_up_limit(
        self, db_session: AsyncSession, sql_sessionmaker: SessionMaker
    ) -> None:
        throttle = PostgresLoginThrottle(sql_sessionmaker, ThrottleLimits(sign_ups_per_address=2))
        accounts = AccountManager(UserModelMunger(), throttle)
        client = client_address()
        await accounts.sign_up(email=email(), password=PASSWORD, display_name="One", address=client)
        with pytest.raises(AccountError, match="weak_password"):
            await accounts.sign_up(email=email(), password="short", display_name="Two", address=client)

        with pytest.raises(AccountError, match="rate_limited"):
            await accounts.sign_up(email=email(), password=PASSWORD, display_name="Three", address=client)


class CheckThenWait(UserRepository):
    """Holds each "is this email taken?" answer until both sign-ups have one: the race, every time."""

    def __init__(self, session: AsyncSession, both_checked: asyncio.Barrier) -> None:
        super().__init__(session)
        self._both_checked: asyncio.Barrier | None = both_checked

    async def get_user_by_email(self, email: str) -> SQLUser | None:
        user = await super().get_user_by_email(email)
        if self._both_checked is not None:
            await self._both_checked.wait()
            self._both_checked = None  # only the sign-up's own check waits
        return user


class TestAuthenticate:
    async def test_the_right_password_gives_the_user(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        address = email()
        created = await accounts.sign_up(
            email=address, password=PASSWORD, display_name="Grace", address=client_address()
        )

        user = await accounts.authenticate(email=address.strip(), password=PASSWORD, address="10.1.1.1")

        assert isinstance(user, User)
        assert created.user is not None
        assert user.id == created.user.id

    async def test_a_wrong_password_and_an_unknown_email_fail_the_same_way(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        address = email()
        await accounts.sign_up(
            email=address, password=PASSWORD, display_name="Grace", address=client_address()
        )

        with pytest.raises(AccountError) as wrong_password:
            await accounts.authenticate(email=address, password="not the password", address="10.1.1.2")
        with pytest.raises(AccountError) as unknown_email:
            await accounts.authenticate(email=email(), password=PASSWORD, address="10.1.1.2")

        assert wrong_password.value.code == unknown_email.value.code == "invalid"

    async def test_after_the_limit_even_the_right_password_is_refused(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        address = email()
        await accounts.sign_up(
            email=address, password=PASSWORD, display_name="Target", address=client_address()
        )
        for _ in range(3):
            with pytest.raises(AccountError, match="invalid"):
                await accounts.authenticate(email=address, password="guess", address="10.1.1.3")

        with pytest.raises(AccountError, match="rate_limited"):
            await accounts.authenticate(email=address, password=PASSWORD, address="10.1.1.3")
