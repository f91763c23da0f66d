"""Accounts: sign up with an email and a password, log in, with throttling and generic errors.

Answers never say whether an email is registered: a wrong password and an unknown email get the
same words and take the same time (a dummy hash is verified for unknown emails), and a sign-up
with a taken email looks like any other (the password is still hashed; the caller tells the
address's owner by mail, see :class:`SignUp`).

No database connection is held while argon2 runs (~0.1 s, longer when logins queue for a turn):
a flood of logins holding one each emptied the pool for every other request.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.exc import IntegrityError

from heavy.accounts.login_throttle import LoginThrottle
from heavy.accounts.passwords import (
    PasswordHashingBusy,
    hash_password,
    needs_rehash,
    password_problem,
    refuse_if_hashing_is_full,
    verify_password,
)
from heavy.accounts.user_manager import MAX_DISPLAY_NAME_LENGTH, UserManager
from heavy.accounts.user_model import RSA_KEY_BITS, SQLUser, UserId
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

    async def sign_up(self, *, email: str, password: str, display_name: str, address: str) -> SignUp[T]:
        """Create an account (flushed, not committed) unless the email is taken; both look alike.

        Raises AccountError for what the visitor typed ("invalid_email", "weak_password",
        "invalid_display_name") and "rate_limited": ``address`` (the client's) may try
        ``ThrottleLimits.sign_ups_per_address`` times per window, counted before anything is done.
        Raises PasswordHashingBusy when the server is too busy to hash now (not counted then).
        """
        refuse_if_hashing_is_full()  # before counting: a flood is turned away without a query
        if not await self.throttle.try_sign_up(address=address):
            raise AccountError("rate_limited")
        normalised = normalise_email(email)
        if password_problem(password) is not None:
            raise AccountError("weak_password")
        if len(" ".join(display_name.split())) > MAX_DISPLAY_NAME_LENGTH:
            raise AccountError("invalid_display_name")
        try:
            password_hash = await hash_password(password)  # before the first query: no connection held
        except PasswordHashingBusy:
            await self.throttle.sign_up_not_checked(address=address)
            raise
        if await self.repository.get_user_by_email(normalised) is not None:
            await _spend_a_key_pairs_time()
            return SignUp(email=normalised, user=None)
        users = UserManager(self.munger, self.repository)
        try:
            # A savepoint: when a concurrent sign-up took the email since the check above, only
            # this insert is undone and the caller's session stays usable.
            async with self.repository.session.begin_nested():
                created = await users.create_user(
                    display_name=display_name or normalised.partition("@")[0],
                    email=normalised,
                    password_hash=password_hash,
                )
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) == _UNIQUE_VIOLATION:
                return SignUp(email=normalised, user=None)
            raise
        return SignUp(email=normalised, user=created)

    async def authenticate(self, *, email: str, password: str, address: str) -> T:
        """The user these credentials belong to. Raises AccountError ("invalid" or "rate_limited").

        The attempt is counted before the password is checked. The session's transaction is ended
        (committed: a login has written nothing yet) before argon2 runs, so its connection goes
        back to the pool. Raises PasswordHashingBusy when the server is too busy to check now
        (the attempt is then not counted).
        """
        try:
            normalised = normalise_email(email)
        except AccountError:
            normalised = email.strip().lower()[:MAX_EMAIL_LENGTH]  # still counted, still generic
        refuse_if_hashing_is_full()  # before counting: a flood is turned away without a query
        if not await self.throttle.try_login(account=normalised, address=address):
            raise AccountError("rate_limited")
        user = await self.repository.get_user_by_email(normalised)
        authenticated = self.munger.to_model(user)
        user_id, password_hash = (UserId(user.id), user.password_hash) if user else (None, None)
        await self.repository.session.commit()
        try:
            matches = await verify_password(password_hash, password)
        except PasswordHashingBusy:
            await self.throttle.login_not_checked(account=normalised, address=address)
            raise
        if not matches or user_id is None or authenticated is None:
            raise AccountError("invalid")  # already counted
        await self.throttle.login_succeeded(account=normalised, address=address)
        if password_hash and needs_rehash(password_hash):
            try:
                new_hash = await hash_password(password)
            except PasswordHashingBusy:
                return authenticated  # the next login rehashes
            await self.repository.set_password_hash(user_id, new_hash)
        return authenticated


@dataclass(frozen=True)
class SignUp(Generic[T]):
    """What a sign-up did. The visitor is told the same either way; ``user`` is None when the email
    already had an account, whose owner (not the visitor) should hear of the attempt by mail."""

    email: str
    user: T | None


async def _spend_a_key_pairs_time() -> None:
    """A taken email skips the new account's key pair: spend as long, so the answer takes as long."""
    await asyncio.to_thread(rsa.generate_private_key, public_exponent=65537, key_size=RSA_KEY_BITS)
