"""Starts the process's live-update broker with the server and stops it after; picks the backend.

``LIVE_UPDATES=auto`` (the default) listens on Redis when a Redis URL is configured, else on the
SQL database's PostgreSQL (the embedded one needs no setup); ``postgres``, ``redis`` and ``memory``
choose one; ``off`` starts nothing (``use_topic`` then follows nothing). The presence tracker
(``use_presence``) starts with the broker and keeps its entries in the store that goes with the
backend: the SQL database, Redis, or memory.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Sanic

from heavy.app import current_app
from heavy.config import HeavySettings
from heavy.data.db_connection import DatabaseConnections
from heavy.errors import ConfigurationError
from heavy.live.backends import LiveBackend, MemoryBackend, PostgresBackend, RedisBackend
from heavy.live.broker import LiveBroker
from heavy.live.presence_store import (
    MemoryPresenceStore,
    PostgresPresenceStore,
    PresenceStore,
    RedisPresenceStore,
)
from heavy.live.presence_tracker import PresenceTracker
from heavy.web.sweeping import start_sweeping, stop_sweeping

logger = logging.getLogger(__name__)

PRESENCE_SWEEP_INTERVAL_SECONDS = 60.0

_current: LiveBroker | None = None


def current_broker() -> LiveBroker:
    """This process's broker, for code outside a component: HTTP routes, background tasks."""
    if _current is None:
        raise RuntimeError(
            "live updates are not running in this process (LIVE_UPDATES=off, or no server started)"
        )
    return _current


def live_channel() -> str:
    """The one channel every process of the app listens on (PostgreSQL identifier rules)."""
    return f"{current_app().package}_live"


def make_backend(settings: HeavySettings, sql_url: str) -> LiveBackend | None:
    kind = settings.live_updates
    if kind == "auto":
        kind = "redis" if settings.redis_url else "postgres"
    if kind == "off":
        return None
    if kind == "memory":
        return MemoryBackend()
    if kind == "redis":
        if not settings.redis_url:
            raise ConfigurationError(
                f"{settings.env_name('live_updates')}=redis needs {settings.env_name('redis_url')}"
            )
        return RedisBackend(settings.redis_url, live_channel())
    return PostgresBackend(sql_url, live_channel())


def make_presence_store(
    backend: LiveBackend, settings: HeavySettings, db: DatabaseConnections
) -> PresenceStore:
    """The store that goes with the backend: processes that hear each other share it."""
    ttl = settings.live_presence_ttl_seconds
    if isinstance(backend, RedisBackend) and db.redis is not None:
        return RedisPresenceStore(db.redis, ttl)
    if isinstance(backend, PostgresBackend):
        return PostgresPresenceStore(db.sessionmaker, ttl)
    return MemoryPresenceStore(ttl)


def register_live_updates(app: Sanic[Any, Any], settings: HeavySettings) -> None:
    """Start the broker once the databases are open (it listens on the SQL database's server)."""

    async def start_broker(app: Sanic[Any, Any]) -> None:
        global _current
        backend = make_backend(settings, app.ctx.db.urls.sql)
        if backend is None:
            app.ctx.live = app.ctx.presence = None
            return
        broker = LiveBroker(
            backend, max_message_bytes=settings.live_max_message_bytes, queue_limit=settings.live_queue_limit
        )
        await broker.start()
        tracker = PresenceTracker(
            broker,
            make_presence_store(backend, settings, app.ctx.db),
            heartbeat_seconds=settings.live_presence_heartbeat_seconds,
        )
        await tracker.start()
        app.ctx.live = _current = broker
        app.ctx.presence = tracker
        app.ctx.presence_sweeper = start_sweeping(
            {"presence entries": tracker.store.sweep_expired}, PRESENCE_SWEEP_INTERVAL_SECONDS
        )

    async def stop_broker(app: Sanic[Any, Any]) -> None:
        global _current
        await stop_sweeping(getattr(app.ctx, "presence_sweeper", None))
        tracker: PresenceTracker | None = getattr(app.ctx, "presence", None)
        if tracker is not None:
            await tracker.stop()  # before the broker: it announces that this process's tabs left
            app.ctx.presence = None
        broker: LiveBroker | None = getattr(app.ctx, "live", None)
        if broker is not None:
            await broker.stop()
            if _current is broker:
                _current = None

    app.register_listener(start_broker, "before_server_start")
    app.register_listener(stop_broker, "before_server_stop")
