"""Builds the Sanic app: ReactPy, static files, health check, database lifecycle and middleware.

``heavy.main`` calls :func:`create_app` once per process; tests call it with their own
settings and a unique name (Sanic keeps a registry of app names per process).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from reactpy.backend.sanic import Options, configure
from reactpy.core.types import RootComponentConstructor
from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse
from sanic_cors import CORS

from heavy.accounts.auth_routes import register_auth
from heavy.app import current_app
from heavy.config import HeavySettings, get_settings
from heavy.dev.stylesheet_events import register_stylesheet_events
from heavy.live.service import register_live_updates
from heavy.observability.request_ids import register_request_ids
from heavy.observability.structured_logging import configure_logging
from heavy.observability.tracing import otlp_tracer_provider, register_tracing
from heavy.realtime.reactpy_patches import apply_reactpy_patches
from heavy.realtime.recording import record_streams
from heavy.realtime.recovery_service import register_state_recovery
from heavy.ui.brython_assets import register_brython_routes
from heavy.ui.page_head import page_head
from heavy.web.health import health_blueprint
from heavy.web.lifecycle import register_database_lifecycle
from heavy.web.request_guard import register_request_guard
from heavy.web.security_headers import register_security_headers

logger = logging.getLogger(__name__)

RUNTIME_STATIC_DIR = Path(__file__).resolve().parent / "static"
RUNTIME_STATIC_URL = "/_heavy/static"

REQUEST_MAX_BYTES = 1_000_000
# Browsers may reuse a CORS preflight answer this long. Set because sanic-cors's default
# (None) goes out as a literal "Access-Control-Max-Age: None".
CORS_PREFLIGHT_MAX_AGE_SECONDS = 600


def create_app(
    settings: HeavySettings | None = None,
    *,
    name: str | None = None,
    root: RootComponentConstructor | None = None,
    hot_reload: bool = False,
) -> Sanic[Any, Any]:
    """A fully configured app. Nothing here touches the database: that happens on server start.

    ``name`` and ``root`` default to the registered app's package name and root component (tests
    serve small apps of their own through ``root``).
    ``hot_reload`` (set by ``heavy dev``, DEV only) serves what open tabs need to swap in changed
    stylesheets (docs/hot-reload.md).
    """
    heavy_app = current_app()
    settings = settings or get_settings()
    configure_logging(settings)
    apply_reactpy_patches()

    app = Sanic(name or heavy_app.package, configure_logging=False)  # our handler formats Sanic's lines too
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_BYTES
    app.config.WEBSOCKET_MAX_SIZE = settings.stream_max_message_bytes
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings

    register_database_lifecycle(app, settings)
    register_live_updates(app, settings)  # after the databases: it listens on the SQL database's server
    register_request_guard(app)  # before the handlers: malformed input gets a 4xx, not a 500
    register_auth(app, settings)
    register_security_headers(app, settings)
    if settings.record_file is None:  # recorded tabs start fresh, as replays do (docs/load-testing.md)
        register_state_recovery(app, settings)
    register_request_ids(app)
    if settings.otlp_endpoint:  # off: nothing of tracing is installed (docs/observability.md)
        register_tracing(app, lambda: otlp_tracer_provider(settings))
    app.blueprint(health_blueprint)
    app.static("/static", heavy_app.static_dir, name="static")
    app.static(RUNTIME_STATIC_URL, RUNTIME_STATIC_DIR, name="heavy_static")
    register_brython_routes(app)
    if hot_reload:
        register_stylesheet_events(app, settings)
    configure(app, root or heavy_app.load_root(), Options(head=page_head(settings, hot_reload=hot_reload)))
    if settings.cors_origins:
        _register_cors(app, settings.cors_origins)
    if settings.record_file is not None:
        record_streams(app, settings.record_file)
    app.register_listener(_freeze_start_up_heap, "after_server_start")
    return app


def _register_cors(app: Sanic[Any, Any], origins: list[str]) -> None:
    """Let ``origins`` read responses. Never a way around the same-origin checks on form posts and
    the stream (``backend/same_origin.py``): those guard what a user's browser is made to do."""
    CORS(app, origins=origins, max_age=CORS_PREFLIGHT_MAX_AGE_SECONDS)

    async def preflight_without_body(request: Request, response: BaseHTTPResponse) -> None:
        # sanic-cors answers a preflight with an empty 200 and no content type, which Sanic sends
        # as a literal "Content-Type: None"; a 204 has no body, so no content type either.
        if request.method == "OPTIONS" and response.content_type is None and not response.body:
            response.status = 204

    app.register_middleware(preflight_without_body, "response")


async def _freeze_start_up_heap(app: Sanic[Any, Any]) -> None:
    """Move everything built at start-up (modules, models, the app) out of the garbage collector's
    sight: full collections then scan only what requests create. Measured in docs/performance.md:
    the collector's cost per click at saturation fell from 120 to 37 us."""
    gc.collect()
    gc.freeze()
