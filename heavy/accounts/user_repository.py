"""All SQL about users."""

from __future__ import annotations

from sqlmodel import select

from heavy.accounts.user_model import SQLUser, UserId
from heavy.data.heavy_model import utc_now
from heavy.data.repository_base import SQLRepositoryBase


class UserRepository(SQLRepositoryBase):
    async def create_user(self, user: SQLUser) -> SQLUser:
        """Insert ``user`` (flushed, so database defaults and constraints apply now; not committed)."""
        self.session.add(user)
        await self.session.flush()
        return user

    async def get_user(self, user_id: UserId) -> SQLUser | None:
        result = await self.session.exec(select(SQLUser).where(SQLUser.id == user_id))
        return result.first()

    async def get_user_by_email(self, email: str) -> SQLUser | None:
        """``email`` must already be normalised (see ``account_manager.normalise_email``)."""
        result = await self.session.exec(select(SQLUser).where(SQLUser.email == email))
        return result.first()

    async def set_password_hash(self, user_id: UserId, password_hash: str) -> None:
        user = await self.get_user(user_id)
        if user is not None:
            user.password_hash = password_hash
            user.updated_at = utc_now()
            await self.session.flush()

    async def update_user(self, user_id: UserId, *, display_name: str) -> SQLUser | None:
        """Change a user's display name; None if there is no such user."""
        user = await self.get_user(user_id)
        if user is None:
            return None
        user.display_name = display_name
        user.updated_at = utc_now()
        await self.session.flush()
        return user
