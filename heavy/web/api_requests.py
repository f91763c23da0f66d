"""HeavyContext: what an async handler gets as its first argument, one fresh session per call.

Event handlers, effects and HTTP handlers all open their context with :func:`open_heavy_context`:
it makes new sessions from the request's sessionmakers, publishes them in the context variables
that repositories read, and rolls back and closes them afterwards. Writes are committed explicitly
(``await context.db_session.commit()``) by the code that means to write; anything not committed
is rolled back, so a handler that fails half-way leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.accounts.users import ANONYMOUS_USER, AnonymousUser, User
from heavy.data.db_connection import SessionMaker, db_session_var, vector_db_session_var


@dataclass(frozen=True)
class HeavyContext:
    """Who is asking, and the database sessions to answer with."""

    user: User | AnonymousUser
    db_session: AsyncSession
    vector_db_session: AsyncSession
    sessionmaker: SessionMaker
    vector_sessionmaker: SessionMaker
    vector_search_available: bool


def request_user(request_ctx: Any) -> User | AnonymousUser:
    """The user the middleware attached to a request (anonymous when nobody signed in)."""
    user: User | AnonymousUser = getattr(request_ctx, "user", ANONYMOUS_USER)
    return user


@asynccontextmanager
async def open_heavy_context(request_ctx: Any) -> AsyncIterator[HeavyContext]:
    """A HeavyContext with fresh sessions from ``request.ctx``; rolled back and closed on exit."""
    sessionmaker: SessionMaker | None = getattr(request_ctx, "sessionmaker", None)
    vector_sessionmaker: SessionMaker | None = getattr(request_ctx, "vector_sessionmaker", None)
    if sessionmaker is None or vector_sessionmaker is None:
        raise RuntimeError(
            "this request has no database sessionmaker: is the app built by create_app() "
            "and the server started (the databases open in before_server_start)?"
        )
    # Sessions connect lazily: a handler that never touches the vector database costs nothing there.
    db_session = sessionmaker()
    vector_db_session = vector_sessionmaker()
    db_token = db_session_var.set(db_session)
    vector_token = vector_db_session_var.set(vector_db_session)
    try:
        yield HeavyContext(
            user=request_user(request_ctx),
            db_session=db_session,
            vector_db_session=vector_db_session,
            sessionmaker=sessionmaker,
            vector_sessionmaker=vector_sessionmaker,
            vector_search_available=getattr(request_ctx, "vector_search_available", False),
        )
    finally:
        db_session_var.reset(db_token)
        vector_db_session_var.reset(vector_token)
        for session in (db_session, vector_db_session):
            await _roll_back_and_close(session)


async def _roll_back_and_close(session: AsyncSession) -> None:
    """End the session, dropping whatever was not committed.

    ``close()`` ends an open transaction with a rollback and returns its connection to the pool.
    A session that never began a transaction (most handlers never touch the vector database) holds
    no connection, so it is closed directly: the awaitable ``close()`` would cost a greenlet switch
    (a measurable share of a click, see docs/performance.md) for no I/O at all.
    """
    if session.in_transaction():
        await session.close()
    else:
        session.sync_session.close()
