"""Accounts: sign up with an email and a password, log in, with throttling and generic errors.

Messages never say whether an email is registered: a wrong password and an unknown email get the
same words and take the same time (a dummy hash is verified for unknown emails). Sign-up must say
when an email is taken, so sign-ups are rate limited per client address.
"""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from heavy.accounts.login_throttle import LoginThrottle
from heavy.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_model import SQLUser, UserId
from heavy.accounts.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.data.manager_base import BaseManager
from heavy.data.munger_base import ModelMunger

T = TypeVar("T")

MAX_EMAIL_LENGTH = 320
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


class AccountError(Exception):
    """A sign-up or login that cannot go ahead; ``code`` names a message pages can show."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased (``Ada@Example.COM`` and ``ada@example.com`` are one account)."""
    normalised = email.strip().lower()
    if len(normalised) > MAX_EMAIL_LENGTH or not _EMAIL_SHAPE.match(normalised):
        raise AccountError("invalid_email")
    return normalised


class AccountManager(BaseManager[T, SQLUser]):
    possible_mungers = (UserModelMunger, UserSQLModelMunger)

    def __init__(
        self,
        munger: ModelMunger[T, SQLUser],
        throttle: LoginThrottle,
        repository: UserRepository | None = None,
    ) -> None:
        super().__init__(munger)
        self.throttle = throttle
        self.repository = repository or UserRepository()

    async def sign_up(self, *, email: str, password: str, display_name: str, address: str) -> T:
        """Create an account (flushed, not committed). Raises AccountError.

        ``address`` is the client's: each one may try ``ThrottleLimits.sign_ups_per_address`` times
        per window ("rate_limited" after that).
        """
        if await self.throttle.is_sign_up_blocked(address=address):
            raise AccountError("rate_limited")
        await self.throttle.record_sign_up(address=address)
        normalised = normalise_email(email)
        problem = password_problem(password)
        if problem is not None:
            raise AccountError("weak_password")
        if await self.repository.get_user_by_email(normalised) is not None:
            raise AccountError("unavailable")
        users = UserManager(self.munger, self.repository)
        password_hash = await hash_password(password)
        try:
            # A savepoint: when a concurrent sign-up took the email since the check above, only
            # this insert is undone and the caller's session stays usable.
            async with self.repository.session.begin_nested():
                return await users.create_user(
                    display_name=display_name or normalised.partition("@")[0],
                    email=normalised,
                    password_hash=password_hash,
                )
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) == _UNIQUE_VIOLATION:
                raise AccountError("unavailable") from error
            raise

    async def authenticate(self, *, email: str, password: str, address: str) -> T:
        """The user these credentials belong to. Raises AccountError ("invalid" or "rate_limited")."""
        try:
            normalised = normalise_email(email)
        except AccountError:
            normalised = email.strip().lower()[:MAX_EMAIL_LENGTH]  # still counted, still generic
        if await self.throttle.is_blocked(account=normalised, address=address):
            raise AccountError("rate_limited")
        user = await self.repository.get_user_by_email(normalised)
        if not await verify_password(user.password_hash if user else None, password) or user is None:
            await self.throttle.record_failure(account=normalised, address=address)
            raise AccountError("invalid")
        await self.throttle.record_success(account=normalised)
        if user.password_hash and needs_rehash(user.password_hash):
            await self.repository.set_password_hash(UserId(user.id), await hash_password(password))
        authenticated = self.munger.to_model(user)
        assert authenticated is not None
        return authenticated
