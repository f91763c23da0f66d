"""Users: create (with their key pair), look up, rename."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from heavy.accounts.user_model import SQLUser, UserId
from heavy.accounts.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.data.manager_base import BaseManager
from heavy.data.munger_base import ModelMunger
from heavy.web.key_derivation import derive_passphrase

T = TypeVar("T")

MAX_DISPLAY_NAME_LENGTH = 100


def user_key_passphrase(user_id: UserId) -> bytes:
    """The passphrase that protects a user's private key: derived per user from SECRET_KEY."""
    return derive_passphrase("user-private-key", user_id.bytes)


class UserManager(BaseManager[T, SQLUser]):
    possible_mungers = (UserModelMunger, UserSQLModelMunger)

    def __init__(self, munger: ModelMunger[T, SQLUser], repository: UserRepository | None = None) -> None:
        super().__init__(munger)
        self.repository = repository or UserRepository()

    async def create_user(
        self, *, display_name: str, email: str | None = None, password_hash: str | None = None
    ) -> T:
        """A new user with a fresh key pair (flushed, not committed)."""
        user = SQLUser(
            display_name=_clean_display_name(display_name), email=email, password_hash=password_hash
        )
        # RSA key generation takes 20-90 ms of CPU: in a thread, so other tabs' events go on meanwhile.
        await asyncio.to_thread(user.generate_public_private_keys, user_key_passphrase(user.id))
        created = self.munger.to_model(await self.repository.create_user(user))
        assert created is not None
        return created

    async def get_user(self, user_id: UserId) -> T | None:
        return self.munger.to_model(await self.repository.get_user(user_id))

    async def rename_user(self, user_id: UserId, display_name: str) -> T | None:
        return self.munger.to_model(
            await self.repository.update_user(user_id, display_name=_clean_display_name(display_name))
        )


def _clean_display_name(display_name: str) -> str:
    cleaned = " ".join(display_name.split())
    if len(cleaned) > MAX_DISPLAY_NAME_LENGTH:
        raise ValueError(f"a display name has at most {MAX_DISPLAY_NAME_LENGTH} characters")
    return cleaned
