"""No database connection waits on a password hash (the turns themselves:
tests/heavy/unit/test_passwords.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from heavy.accounts import passwords
from heavy.accounts.account_manager import AccountError, AccountManager
from heavy.accounts.login_throttle import PostgresLoginThrottle, ThrottleLimits
from heavy.accounts.passwords import HashingTurns
from heavy.accounts.user_mungers import UserModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.data.db_connection import SessionMaker

R = TypeVar("R")
PASSWORD = "a long enough password"


class SessionWatcher(HashingTurns):
    """Notes, at each hash, whether the request's session still holds a transaction (a connection)."""

    def __init__(self, repository: UserRepository) -> None:
        super().__init__()
        self.repository = repository
        self.in_transaction_while_hashing: list[bool] = []

    async def run(self, function: Callable[..., R], *args: Any) -> R:
        self.in_transaction_while_hashing.append(self.repository.session.in_transaction())
        return await super().run(function, *args)


class TestNoConnectionWhileHashing:
    async def test_neither_sign_up_nor_login_holds_a_connection_while_hashing(
        self, sql_sessionmaker: SessionMaker, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        throttle = PostgresLoginThrottle(sql_sessionmaker, ThrottleLimits(per_address=100))
        email, client = f"hash-{uuid.uuid4().hex[:8]}@example.com", f"10.2.0.1-{uuid.uuid4().hex[:8]}"
        async with sql_sessionmaker() as session:
            repository = UserRepository(session)
            watcher = SessionWatcher(repository)
            monkeypatch.setattr(passwords, "hashing_turns", watcher)
            accounts = AccountManager(UserModelMunger(), throttle, repository)

            await accounts.sign_up(email=email, password=PASSWORD, display_name="", address=client)
            await session.commit()
            await accounts.authenticate(email=email, password=PASSWORD, address=client)
            with pytest.raises(AccountError, match="invalid"):
                await accounts.authenticate(email=email, password="wrong password", address=client)

        assert watcher.in_transaction_while_hashing == [False, False, False]
