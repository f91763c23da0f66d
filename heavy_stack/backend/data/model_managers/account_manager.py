"""Accounts: sign up with an email and a password, log in, with throttling and generic errors.

Messages never say whether an email is registered: a wrong password and an unknown email get the
same words and take the same time (a dummy hash is verified for unknown emails). Sign-up must say
when an email is taken, so sign-ups are rate limited per client address.
"""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from heavy_stack.backend.data.model_managers.base import BaseManager
from heavy_stack.backend.data.model_managers.user_manager import UserManager
from heavy_stack.backend.data.model_mungers.base import ModelMunger
from heavy_stack.backend.data.model_mungers.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy_stack.backend.data.repositories.user_repository import UserRepository
from heavy_stack.backend.data.sql_models.user import SQLUser, UserId
from heavy_stack.backend.login_throttle import LoginThrottle
from heavy_stack.backend.passwords import hash_password, needs_rehash, password_problem, verify_password

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
        per window ("rate_limited" after that), counted before anything is done.
        """
        if not await self.throttle.try_sign_up(address=address):
            raise AccountError("rate_limited")
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
        """The user these credentials belong to. Raises AccountError ("invalid" or "rate_limited").

        The attempt is counted before the password is checked.
        """
        try:
            normalised = normalise_email(email)
        except AccountError:
            normalised = email.strip().lower()[:MAX_EMAIL_LENGTH]  # still counted, still generic
        if not await self.throttle.try_login(account=normalised, address=address):
            raise AccountError("rate_limited")
        user = await self.repository.get_user_by_email(normalised)
        if not await verify_password(user.password_hash if user else None, password) or user is None:
            raise AccountError("invalid")  # already counted
        await self.throttle.login_succeeded(account=normalised, address=address)
        if user.password_hash and needs_rehash(user.password_hash):
            await self.repository.set_password_hash(UserId(user.id), await hash_password(password))
        authenticated = self.munger.to_model(user)
        assert authenticated is not None
        return authenticated
