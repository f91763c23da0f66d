"""Test data, made through the same layers the app uses (so factories break when the app does)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_model import SQLUser
from heavy.accounts.user_mungers import UserSQLModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.data.db_connection import SessionMaker
from heavy_stack.backend.data.model_managers.document_manager import DocumentManager
from heavy_stack.backend.data.model_mungers.document_mungers import DocumentModelMunger
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


async def insert_login_attempt_counters(
    engine: AsyncEngine, windows_started_ago: dict[str, timedelta], *, failures: int = 3
) -> None:
    """Login throttle counters whose windows started that long ago (to test what a sweep keeps)."""
    async with engine.begin() as connection:
        for key, age in windows_started_ago.items():
            await connection.execute(
                text(
                    "INSERT INTO login_attempts (key, window_started_at, failures) "
                    "VALUES (:key, now() - CAST(:age AS interval), :failures)"
                ),
                {"key": key, "age": age, "failures": failures},
            )


async def login_attempt_counters(engine: AsyncEngine, *keys: str) -> set[str]:
    """Which of ``keys`` still have a login throttle counter."""
    async with engine.connect() as connection:
        found = await connection.scalars(
            text("SELECT key FROM login_attempts WHERE key = ANY(:keys)"), {"keys": list(keys)}
        )
        return set(found.all())
