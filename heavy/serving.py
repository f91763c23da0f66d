"""Starts Sanic on the app in ``heavy.main``, in one process or with a worker per process."""

from __future__ import annotations

import errno
import logging
import socket

from sanic import Sanic
from sanic.worker.loader import AppLoader

from heavy.app import current_app
from heavy.config import HeavySettings, settings_class
from heavy.errors import HeavyError

APP_MODULE = "heavy.main:app"

logger = logging.getLogger(__name__)


def serve(settings: HeavySettings, *, host: str, port: int, workers: int, database: str) -> None:
    """Block serving ``heavy.main:app`` until SIGINT / SIGTERM, then shut down gracefully."""
    check_port_free(host, port)
    loader = AppLoader(module_input=APP_MODULE)
    app = loader.load()
    app.prepare(
        host=host,
        port=port,
        workers=workers,
        single_process=workers == 1,
        motd=False,
        access_log=settings.access_log,
    )
    # A log line, not a print: in PRODUCTION every line of output is JSON for the log collector.
    logger.info(
        "%s (%s, %s) serving on http://%s:%s with %s worker%s; Ctrl+C stops it",
        current_app().title,
        settings.environment.value,
        database,
        host,
        port,
        workers,
        "s" if workers != 1 else "",
    )
    if workers == 1:
        Sanic.serve_single(app)
    else:
        Sanic.serve(primary=app, app_loader=loader)


def check_port_free(host: str, port: int) -> None:
    """Raise a one-line error if ``host:port`` cannot be bound (Sanic would print a traceback)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = (
                "is already in use"
                if error.errno == errno.EADDRINUSE
                else f"cannot be used ({error.strerror})"
            )
            raise HeavyError(
                f"{host}:{port} {reason}; pick another with --port or {settings_class().env_name('port')}"
            ) from None
