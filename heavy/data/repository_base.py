"""SQLRepositoryBase: every repository reads the session of the event being handled.

A repository is handed a session explicitly (``UserRepository(session)``) or, usually, takes the
current one from the context variable that ``heavy_event`` / ``heavy_use_effect`` and the
``db_session`` test fixture set. It never commits: the handler that means to write does.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import ClassVar

from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.data.db_connection import db_session_var, vector_db_session_var


class NoDatabaseSessionError(RuntimeError):
    """Database access outside the places that have a session."""


class SQLRepositoryBase:
    """Base of repositories on the SQL database."""

    session_var: ClassVar[ContextVar[AsyncSession | None]] = db_session_var

    def __init__(self, session: AsyncSession | None = None) -> None:
        self._session = session

    @property
    def session(self) -> AsyncSession:
        if self._session is not None:
            return self._session
        session = self.session_var.get()
        if session is None:
            raise NoDatabaseSessionError(
                f"{type(self).__name__} has no database session: database access belongs inside an "
                "async function run by heavy_event / heavy_use_effect / heavy_use_context (it gets a "
                "HeavyContext), or in a test that uses the db_session fixture"
            )
        return session


class VectorSQLRepositoryBase(SQLRepositoryBase):
    """Base of repositories on the vector database."""

    session_var = vector_db_session_var
