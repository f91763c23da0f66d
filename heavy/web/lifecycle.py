"""Opens the databases when a server process starts and closes them when it stops, and hands every
request (HTTP or websocket) what the handlers need: the sessionmakers and the current user."""

from __future__ import annotations

import logging
from typing import Any

from sanic import Request, Sanic

from heavy.config import HeavySettings
from heavy.data.db_connection import DatabaseConnections, open_database_connections

logger = logging.getLogger(__name__)


def register_database_lifecycle(app: Sanic[Any, Any], settings: HeavySettings) -> None:
    async def open_databases(app: Sanic[Any, Any]) -> None:
        app.ctx.db = await open_database_connections(settings)
        urls = app.ctx.db.urls
        logger.info("databases ready (%s)", "embedded PostgreSQL" if urls.embedded else "configured URLs")

    async def close_databases(app: Sanic[Any, Any]) -> None:
        db: DatabaseConnections | None = getattr(app.ctx, "db", None)
        if db is not None:
            await db.close()

    async def attach_database(request: Request) -> None:
        db: DatabaseConnections = request.app.ctx.db
        request.ctx.sessionmaker = db.sessionmaker
        request.ctx.vector_sessionmaker = db.vector_sessionmaker
        request.ctx.vector_search_available = db.vector_search_available

    app.register_listener(open_databases, "before_server_start")
    app.register_listener(close_databases, "after_server_stop")
    app.register_middleware(attach_database, "request")
