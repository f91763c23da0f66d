"""Starts Sanic on the app in ``heavy.main``, in one process or with a worker per process."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import socket
import time
from types import FrameType
from typing import Any

from sanic import Sanic
from sanic.worker.constants import ProcessState
from sanic.worker.loader import AppLoader
from sanic.worker.manager import WorkerManager
from sanic.worker.process import WorkerProcess

from heavy.app import current_app
from heavy.config import HeavySettings, settings_class
from heavy.errors import HeavyError

APP_MODULE = "heavy.main:app"
# How long workers told to stop during start-up get before they are killed: they have served
# nothing yet, so there is nothing to finish, only imports and database connections to drop.
START_UP_STOP_GRACE_SECONDS = 2.0

logger = logging.getLogger(__name__)


def serve(settings: HeavySettings, *, host: str, port: int, workers: int, database: str) -> None:
    """Block serving ``heavy.main:app`` until SIGINT / SIGTERM, then shut down gracefully."""
    check_port_free(host, port)
    early_signals = _EarlySignals() if workers > 1 else None
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
    if early_signals is None:
        Sanic.serve_single(app)
    else:

        def stop_promptly_during_start_up(app: Sanic[Any, Any]) -> None:
            _StartUpSignals(app.manager, requested=early_signals.requested).install()

        app.register_listener(stop_promptly_during_start_up, "main_process_ready")
        Sanic.serve(primary=app, app_loader=loader)


class _EarlySignals:
    """Notes a SIGTERM / SIGINT that comes while Sanic sets up its worker manager.

    Python's default action would kill this process at once, leaving Sanic's helper process to
    print a traceback as its pipe breaks; the stop is carried out by :class:`_StartUpSignals`
    instead, as soon as the manager exists.
    """

    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        logger.info("Received signal %s during start-up; stopping", signal.Signals(signum).name)
        self.requested = True


class _StartUpSignals:
    """SIGTERM / SIGINT for the worker manager until every worker has started.

    Sanic 25.12's manager, signalled while it waits for its workers' start-up acknowledgements,
    asks them to stop (SIGINT) and keeps waiting: a worker that had not yet installed its own
    handler, or was not yet started, never acknowledges nor exits, so the manager waited out its
    30 s threshold and could leave a worker running. Here a signal during start-up stops every
    worker (SIGTERM, then SIGKILL after :data:`START_UP_STOP_GRACE_SECONDS`) and lets the manager
    return as after a normal shutdown (exit code 0). Once all workers are up, Sanic's own handler
    takes over. A signal that arrives while the manager is still spawning workers is acted on as
    soon as the last one has a pid, so none can be missed.
    """

    def __init__(self, manager: WorkerManager, *, requested: bool) -> None:
        self.manager = manager
        self.sanic_handler = manager.shutdown_signal
        self.sanic_start = manager.start
        self.spawning = False
        self.requested = requested or manager._shutting_down  # a signal before this was installed
        self.stopped = False

    def install(self) -> None:
        self.manager.start = self.start  # type: ignore[method-assign]
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)

    def start(self) -> None:
        self.spawning = True
        try:
            self.sanic_start()  # type: ignore[no-untyped-call]
        finally:
            self.spawning = False
        if self.requested:
            self.stop_workers()

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.requested and not self.spawning and self._all_started():
            self.sanic_handler(signum, frame)  # type: ignore[no-untyped-call]  # Sanic's graceful shutdown
            return
        if self.requested:
            return  # already stopping
        logger.info("Received signal %s during start-up; stopping the workers", signal.Signals(signum).name)
        self.requested = True
        if not self.spawning:
            self.stop_workers()

    def _all_started(self) -> bool:
        return bool(self.manager._all_workers_ack())  # type: ignore[no-untyped-call]

    def stop_workers(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        processes: list[WorkerProcess] = list(self.manager.processes)
        for process in processes:
            process.set_state(ProcessState.TERMINATED, force=True)
            _signal(process, signal.SIGTERM)
        grace = START_UP_STOP_GRACE_SECONDS
        deadline = time.monotonic() + grace
        for process in processes:
            process._current_process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():  # type: ignore[no-untyped-call]
                logger.warning(
                    "worker %s did not stop within %ss; killing it", process.pid, START_UP_STOP_GRACE_SECONDS
                )
                _signal(process, signal.SIGKILL)
                process._current_process.join(5)
        # What Sanic's own shutdown does, then let its wait for acknowledgements end: the monitor
        # loop reads the None as "stop", and join/terminate/cleanup find every worker gone.
        self.manager._shutting_down = True
        self.manager._all_workers_ack = lambda: True  # type: ignore[method-assign]
        self.manager.monitor_publisher.send(None)


def _signal(process: WorkerProcess, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signum)


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
