"""Test data, made through the same layers the app uses (so factories break when the app does)."""

from __future__ import annotations

import itertools
from uuid import UUID

from heavy_stack.backend.data.db_connection import SessionMaker
from heavy_stack.backend.data.model_managers.document_manager import DocumentManager
from heavy_stack.backend.data.model_managers.user_manager import UserManager
from heavy_stack.backend.data.model_mungers.document_mungers import DocumentModelMunger
from heavy_stack.backend.data.model_mungers.user_mungers import UserSQLModelMunger
from heavy_stack.backend.data.repositories.user_repository import UserRepository
from heavy_stack.backend.data.sql_models.user import SQLUser
from heavy_stack.shared_models.document import Document

_numbers = itertools.count(1)


async def create_user(*, display_name: str | None = None) -> SQLUser:
    """A new user with a key pair, in the current session (not committed)."""
    manager = UserManager(UserSQLModelMunger())
    return await manager.create_user(display_name=display_name or f"Test User {next(_numbers)}")


async def create_documents(*contents: str) -> list[Document]:
    """Documents with embeddings, in the current vector session (not committed)."""
    manager = DocumentManager(DocumentModelMunger())
    return [await manager.add_document(content) for content in contents]


async def create_user_committed(sessionmaker: SessionMaker, *, display_name: str | None = None) -> UUID:
    """A user committed for real, for code that opens its own sessions (stores, HTTP handlers)."""
    async with sessionmaker() as session:
        user = await UserManager(UserSQLModelMunger(), UserRepository(session)).create_user(
            display_name=display_name or f"Committed User {next(_numbers)}"
        )
        await session.commit()
    return user.id
