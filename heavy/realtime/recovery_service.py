"""Wires state recovery into the app: the state store, the per-browser cookie, the periodic sweep
of expired snapshots, and what a new connection needs to open its
:class:`~heavy.realtime.state_recovery.TabRecovery`."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from redis.asyncio import Redis
from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

from heavy.config import HeavySettings
from heavy.data.db_connection import DatabaseConnections, SessionMaker
from heavy.errors import ConfigurationError
from heavy.realtime.state_recovery import TabRecovery, save_every_tab, wait_for_saves
from heavy.realtime.state_store import (
    MemoryStateStore,
    PostgresStateStore,
    RedisStateStore,
    SnapshotLimits,
    StateStore,
)
from heavy.realtime.tab_identity import give_browser_an_id, state_key_for
from heavy.web.key_derivation import derive_key
from heavy.web.sweeping import start_sweeping, stop_sweeping

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 600.0


def create_state_store(
    settings: HeavySettings, sessionmaker: SessionMaker, redis: Redis | None
) -> StateStore | None:
    """The configured store (None when recovery is off). ``auto``: Redis if configured, else PostgreSQL."""
    if not settings.state_recovery:
        return None
    secret = settings.secret_key.get_secret_value().encode()
    signing_key = derive_key("ui-state-seal", secret=secret)
    limits = SnapshotLimits(
        ttl=timedelta(seconds=settings.state_ttl_seconds), max_bytes=settings.state_max_bytes
    )
    kind = settings.state_store if settings.state_store != "auto" else ("redis" if redis else "postgres")
    if kind == "memory":
        return MemoryStateStore(signing_key, limits)
    if kind == "redis":
        if redis is None:
            raise ConfigurationError(
                f"{settings.env_name('state_store')}=redis needs {settings.env_name('redis_url')}"
            )
        return RedisStateStore(redis, signing_key, limits)
    return PostgresStateStore(sessionmaker, signing_key, limits)


def register_state_recovery(
    app: Sanic[Any, Any], settings: HeavySettings, *, sweep_interval_seconds: float = SWEEP_INTERVAL_SECONDS
) -> None:
    """The store (opened at server start), the browser cookie, saves at shutdown and the sweeper.

    Expired snapshots are never served (the expiry is sealed in), but a SQL table keeps them until
    they are deleted: each worker sweeps them every ``sweep_interval_seconds``.
    """
    secure_cookie = not settings.is_dev

    async def open_state_store(app: Sanic[Any, Any]) -> None:
        db: DatabaseConnections = app.ctx.db
        app.ctx.state_store = create_state_store(settings, db.sessionmaker, db.redis)
        app.ctx.state_key_secret = derive_key(
            "ui-state-key", secret=settings.secret_key.get_secret_value().encode()
        )
        if app.ctx.state_store is not None:
            logger.info("state recovery on (%s)", type(app.ctx.state_store).__name__)
            app.ctx.state_sweeper = start_sweeping(
                {"UI state snapshots": app.ctx.state_store.sweep_expired}, sweep_interval_seconds
            )

    async def stop_sweeper(app: Sanic[Any, Any]) -> None:
        await stop_sweeping(getattr(app.ctx, "state_sweeper", None))

    async def identify_browser(request: Request, response: BaseHTTPResponse) -> None:
        give_browser_an_id(request, response, secure=secure_cookie)

    async def save_open_tabs(app: Sanic[Any, Any]) -> None:
        store: StateStore | None = getattr(app.ctx, "state_store", None)
        if store is not None:
            await save_every_tab(store)

    async def finish_saves(app: Sanic[Any, Any]) -> None:
        await wait_for_saves()

    app.register_listener(open_state_store, "before_server_start")  # after the databases open
    app.register_listener(stop_sweeper, "before_server_stop")
    app.register_listener(save_open_tabs, "before_server_stop")
    # Stop listeners run in reverse order of registration: this one before the pools close.
    app.register_listener(finish_saves, "after_server_stop")
    app.register_middleware(identify_browser, "response")


async def open_tab_recovery(request: Request | None) -> TabRecovery | None:
    """The recovery of a new connection, its snapshot loaded; None when it does not apply."""
    if request is None:
        return None
    store: StateStore | None = getattr(request.app.ctx, "state_store", None)
    if store is None:
        return None
    key = state_key_for(request, request.app.ctx.state_key_secret)
    if key is None:
        return None
    recovery = TabRecovery(store, key)
    await recovery.load()
    return recovery
