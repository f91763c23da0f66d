"""Starts the process's live-update broker with the server and stops it after; picks the backend.

``LIVE_UPDATES=auto`` (the default) listens on Redis when a Redis URL is configured, else on the
SQL database's PostgreSQL (the embedded one needs no setup); ``postgres``, ``redis`` and ``memory``
choose one; ``off`` starts nothing (``use_topic`` then follows nothing).
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Sanic

from heavy.app import current_app
from heavy.config import HeavySettings
from heavy.errors import ConfigurationError
from heavy.live.backends import LiveBackend, MemoryBackend, PostgresBackend, RedisBackend
from heavy.live.broker import LiveBroker

logger = logging.getLogger(__name__)

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


def register_live_updates(app: Sanic[Any, Any], settings: HeavySettings) -> None:
    """Start the broker once the databases are open (it listens on the SQL database's server)."""

    async def start_broker(app: Sanic[Any, Any]) -> None:
        global _current
        backend = make_backend(settings, app.ctx.db.urls.sql)
        if backend is None:
            app.ctx.live = None
            return
        broker = LiveBroker(
            backend, max_message_bytes=settings.live_max_message_bytes, queue_limit=settings.live_queue_limit
        )
        await broker.start()
        app.ctx.live = _current = broker

    async def stop_broker(app: Sanic[Any, Any]) -> None:
        global _current
        broker: LiveBroker | None = getattr(app.ctx, "live", None)
        if broker is not None:
            await broker.stop()
            if _current is broker:
                _current = None

    app.register_listener(start_broker, "before_server_start")
    app.register_listener(stop_broker, "before_server_stop")
