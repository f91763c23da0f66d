from __future__ import annotations

import uuid

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.accounts.user_model import SQLUser, UserId
from heavy.accounts.user_repository import UserRepository
from heavy.data.repository_base import NoDatabaseSessionError
from tests.factories import create_user


class TestUserRepository:
    class TestCreateUser:
        async def test_inserts_a_row_with_timestamps(self, db_session: AsyncSession) -> None:
            user = await UserRepository().create_user(SQLUser(display_name="Grace"))

            stored = await db_session.get(SQLUser, user.id)
            assert stored is not None
            assert stored.display_name == "Grace"
            assert stored.created_at.tzinfo is not None

    class TestGetUser:
        async def test_finds_a_user_by_id(self, db_session: AsyncSession) -> None:
            user = await create_user(display_name="Linus")

            found = await UserRepository().get_user(user.id)

            assert found is not None
            assert found.display_name == "Linus"

        async def test_returns_none_for_an_unknown_id(self, db_session: AsyncSession) -> None:
            assert await UserRepository().get_user(UserId(uuid.uuid4())) is None

        async def test_an_explicit_session_wins_over_the_context_variable(
            self, db_session: AsyncSession
        ) -> None:
            user = await create_user()

            assert await UserRepository(db_session).get_user(user.id) is not None

    class TestUpdateUser:
        async def test_renames_and_moves_updated_at(self, db_session: AsyncSession) -> None:
            user = await create_user(display_name="Before")
            created_at = user.updated_at

            updated = await UserRepository().update_user(user.id, display_name="After")

            assert updated is not None
            assert updated.display_name == "After"
            assert updated.updated_at > created_at

        async def test_returns_none_for_an_unknown_id(self, db_session: AsyncSession) -> None:
            assert await UserRepository().update_user(UserId(uuid.uuid4()), display_name="x") is None

    class TestWithoutASession:
        async def test_the_error_says_where_database_access_belongs(self) -> None:
            with pytest.raises(
                NoDatabaseSessionError, match=r"heavy_event / heavy_use_effect.*db_session fixture"
            ):
                await UserRepository().get_user(UserId(uuid.uuid4()))
