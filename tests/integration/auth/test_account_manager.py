from __future__ import annotations

import uuid

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy_stack.backend.data.db_connection import SessionMaker
from heavy_stack.backend.data.model_managers.account_manager import (
    AccountError,
    AccountManager,
    normalise_email,
)
from heavy_stack.backend.data.model_mungers.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy_stack.backend.login_throttle import PostgresLoginThrottle, ThrottleLimits
from heavy_stack.shared_models.user import User

PASSWORD = "a long enough password"


@pytest.fixture
def throttle(sql_sessionmaker: SessionMaker) -> PostgresLoginThrottle:
    return PostgresLoginThrottle(sql_sessionmaker, ThrottleLimits(per_account=3, per_address=100))


def email() -> str:
    return f"Someone.{uuid.uuid4().hex[:8]}@Example.COM "


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
        user = await AccountManager(UserSQLModelMunger(), throttle).sign_up(
            email=address, password=PASSWORD, display_name="Ada"
        )

        assert user.email == address.strip().lower()
        assert user.password_hash is not None
        assert PASSWORD not in user.password_hash
        assert user.public_key is not None

    async def test_an_email_in_use_is_unavailable(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        address = email()
        await accounts.sign_up(email=address, password=PASSWORD, display_name="First")

        with pytest.raises(AccountError, match="unavailable"):
            await accounts.sign_up(email=address.upper(), password=PASSWORD, display_name="Second")

    async def test_a_short_password_is_refused(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        with pytest.raises(AccountError, match="weak_password"):
            await AccountManager(UserModelMunger(), throttle).sign_up(
                email=email(), password="short", display_name=""
            )


class TestAuthenticate:
    async def test_the_right_password_gives_the_user(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        address = email()
        created = await accounts.sign_up(email=address, password=PASSWORD, display_name="Grace")

        user = await accounts.authenticate(email=address.strip(), password=PASSWORD, address="10.1.1.1")

        assert isinstance(user, User)
        assert user.id == created.id

    async def test_a_wrong_password_and_an_unknown_email_fail_the_same_way(
        self, db_session: AsyncSession, throttle: PostgresLoginThrottle
    ) -> None:
        accounts = AccountManager(UserModelMunger(), throttle)
        address = email()
        await accounts.sign_up(email=address, password=PASSWORD, display_name="Grace")

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
        await accounts.sign_up(email=address, password=PASSWORD, display_name="Target")
        for _ in range(3):
            with pytest.raises(AccountError, match="invalid"):
                await accounts.authenticate(email=address, password="guess", address="10.1.1.3")

        with pytest.raises(AccountError, match="rate_limited"):
            await accounts.authenticate(email=address, password=PASSWORD, address="10.1.1.3")
