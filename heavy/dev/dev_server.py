"""The server process of ``heavy dev``: the app, with saved changes swapped in while it runs.

The supervisor (``supervisor.py``) starts it as ``python -m heavy.dev`` and hands it the
listening socket, so that a restart never refuses a connection: connections made meanwhile wait in
the socket's queue for the next process. This process exits with :data:`RESTART_EXIT_CODE` when a
change needs a fresh process, and the supervisor starts one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from sanic import Sanic

from heavy.app import current_app
from heavy.app_factory import create_app
from heavy.config import load_settings
from heavy.dev.code_patcher import CodePatcher
from heavy.dev.file_watcher import FileWatcher
from heavy.dev.hot_reloader import HotReloader
from heavy.dev.server_options import RESTART_EXIT_CODE, DevServerOptions
from heavy.dev.standby import write_library_list

logger = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_SECONDS = 2.0  # open tabs are closed politely; nothing is worth a longer wait here
PARENT_CHECK_SECONDS = 1.0
LIBRARY_LIST_DELAY_SECONDS = 2.0
RUNTIME_PACKAGE = __name__.partition(".")[0]


def serve(options: DevServerOptions, *, started: float) -> None:
    """Serve until stopped; exit with RESTART_EXIT_CODE if a change needs a fresh process."""
    configure_dev_logging()
    patcher = CodePatcher(options.code_folders)
    patcher.track_imports()  # remembers the source of the modules loaded so far, and of those to come
    settings = load_settings()
    patcher.start_recording_startup()  # until the last before_server_start listener has run
    app = create_app(settings, hot_reload=True)
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = GRACEFUL_SHUTDOWN_SECONDS
    heavy_app = current_app()
    server = _DevServer(
        app,
        patcher,
        options,
        project_root=heavy_app.project_root,
        static_dir=heavy_app.static_dir,
        started=started,
    )
    app.prepare(
        sock=socket.socket(fileno=options.socket_fd),
        single_process=True,
        motd=False,
        access_log=False,
    )
    Sanic.serve_single(app)
    sys.exit(RESTART_EXIT_CODE if server.restart_requested else 0)


def configure_dev_logging() -> None:
    """``heavy dev: ...`` lines on stderr for everything under ``heavy.dev``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("heavy dev: %(message)s"))
    dev_logger = logging.getLogger(__name__.rpartition(".")[0])
    dev_logger.addHandler(handler)
    dev_logger.setLevel(logging.INFO)
    dev_logger.propagate = False


class _DevServer:
    """Wires the watcher, the reloader and the app's lifecycle together."""

    def __init__(
        self,
        app: Sanic[Any, Any],
        patcher: CodePatcher,
        options: DevServerOptions,
        *,
        project_root: Path,
        static_dir: Path,
        started: float,
    ) -> None:
        self.app = app
        self.started = started
        self.patcher = patcher
        self.options = options
        self.restart_requested = False
        self.reloader = HotReloader(
            patcher,
            project_root=project_root,
            code_folders=options.code_folders,
            static_dir=static_dir,
            brython_dir=project_root / "brython",
            stylesheet_events=app.ctx.stylesheet_events,
            restart=self.restart,
        )
        self._watcher: FileWatcher | None = None
        self._parent = os.getppid()
        self._parent_check: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        app.register_listener(self._started, "before_server_start")  # runs after the app's own
        app.register_listener(self._serving, "after_server_start")
        app.register_listener(self._stopping, "before_server_stop")

    async def _started(self, app: Sanic[Any, Any]) -> None:
        self.patcher.stop_recording_startup()
        self.patcher.index_functions()
        self._loop = asyncio.get_running_loop()
        self._watcher = FileWatcher(
            self.reloader.folders,
            self._hand_over,
            wants=self.reloader.wants,
            interval=self.options.poll_interval,
        )
        self._watcher.start()
        self._parent_check = asyncio.create_task(self._stop_when_orphaned())
        # Once the first sessions have loaded what they use; the next restart's standby reads it.
        self._loop.call_later(LIBRARY_LIST_DELAY_SECONDS, self._write_library_list)

    async def _serving(self, _app: Sanic[Any, Any]) -> None:
        logger.info("serving (ready %.1f s after it was asked to start)", time.monotonic() - self.started)

    def _write_library_list(self) -> None:
        write_library_list(
            self.options.library_list, self.options.code_folders, (current_app().package, RUNTIME_PACKAGE)
        )

    async def _stopping(self, _app: Sanic[Any, Any]) -> None:
        if self._parent_check is not None:
            self._parent_check.cancel()
        if self._watcher is not None:
            self._watcher.stop()

    def _hand_over(self, path: Path) -> None:
        """From the watcher's thread: handle the saved file on the event loop's thread."""
        assert self._loop is not None, "the watcher starts with the server"
        with contextlib.suppress(RuntimeError):  # the loop has closed: the server is stopping
            self._loop.call_soon_threadsafe(self.reloader.handle_saved_file, path)

    def restart(self, reason: str) -> None:
        if self.restart_requested:
            return
        logger.info("restarting: %s", reason)
        self.restart_requested = True
        self.app.stop(terminate=False)

    async def _stop_when_orphaned(self) -> None:
        """The supervisor died without stopping this process (killed): stop too, not serve forever."""
        while os.getppid() == self._parent:  # noqa: ASYNC110 (polling another process)
            await asyncio.sleep(PARENT_CHECK_SECONDS)
        logger.info("the heavy dev supervisor is gone; stopping")
        self.app.stop(terminate=False)
