from __future__ import annotations

import uuid

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.accounts.user_manager import UserManager, user_key_passphrase
from heavy.accounts.user_model import SQLUser, UserId
from heavy.accounts.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy.accounts.users import User
from heavy_stack.backend.data.model_managers.document_manager import DocumentManager
from heavy_stack.backend.data.model_mungers.document_mungers import DocumentModelMunger


class TestUserMungers:
    def test_user_model_munger_gives_the_shared_model_without_key_material(self) -> None:
        sql_user = SQLUser(display_name="Ada", public_key=b"pem", encrypted_private_key=b"secret pem")

        user = UserModelMunger().to_model(sql_user)

        assert user == User(id=sql_user.id, display_name="Ada", created_at=sql_user.created_at)
        assert "key" not in str(user.model_dump())

    def test_none_stays_none(self) -> None:
        assert UserModelMunger().to_model(None) is None

    def test_the_sql_model_munger_is_the_identity(self) -> None:
        sql_user = SQLUser(display_name="Ada")

        assert UserSQLModelMunger().to_model(sql_user) is sql_user


class TestBaseManagerMungerCheck:
    def test_a_munger_of_another_kind_is_refused_with_the_kinds_it_takes(self) -> None:
        with pytest.raises(
            TypeError, match="UserManager takes a UserModelMunger or UserSQLModelMunger, not a "
        ):
            UserManager(DocumentModelMunger())  # type: ignore[arg-type]

    def test_declared_mungers_are_accepted(self) -> None:
        assert isinstance(UserManager(UserModelMunger()).munger, UserModelMunger)
        assert isinstance(UserManager(UserSQLModelMunger()).munger, UserSQLModelMunger)


class TestUserManager:
    async def test_create_user_returns_what_the_munger_makes(self, db_session: AsyncSession) -> None:
        user = await UserManager(UserModelMunger()).create_user(display_name="  Ada   Lovelace ")

        assert isinstance(user, User)
        assert user.display_name == "Ada Lovelace"

    async def test_created_users_can_decrypt_what_is_encrypted_for_them(
        self, db_session: AsyncSession
    ) -> None:
        sql_user = await UserManager(UserSQLModelMunger()).create_user(display_name="Keys")

        token = sql_user.encrypt_with_public_key(b"diary entry")

        assert sql_user.decrypt_with_private_key(token, user_key_passphrase(sql_user.id)) == b"diary entry"

    async def test_get_and_rename(self, db_session: AsyncSession) -> None:
        manager = UserManager(UserModelMunger())
        user = await manager.create_user(display_name="Old")

        renamed = await manager.rename_user(UserId(user.id), "New")

        assert renamed is not None
        assert renamed.display_name == "New"
        assert await manager.get_user(UserId(uuid.uuid4())) is None

    async def test_an_overlong_display_name_is_refused(self, db_session: AsyncSession) -> None:
        with pytest.raises(ValueError, match="at most 100 characters"):
            await UserManager(UserModelMunger()).create_user(display_name="x" * 101)


class TestDocumentManagerValidation:
    async def test_empty_text_is_refused(self, vector_db_session: AsyncSession) -> None:
        with pytest.raises(ValueError, match="needs some text"):
            await DocumentManager(DocumentModelMunger()).add_document("   ")

    async def test_long_text_is_refused(self, vector_db_session: AsyncSession) -> None:
        with pytest.raises(ValueError, match="at most 500 characters"):
            await DocumentManager(DocumentModelMunger()).add_document("x" * 501)

    async def test_an_empty_query_finds_nothing(self, vector_db_session: AsyncSession) -> None:
        assert await DocumentManager(DocumentModelMunger()).search("  ") == []
