"""``heavy dev``'s own process: it keeps what must outlive a restart and runs the server in a child.

Two things outlive a restart of the server process (``dev_server.py``):

- the listening socket, opened here and inherited by each server process: a tab that reconnects
  while the server restarts waits in the socket's queue instead of being refused;
- the embedded PostgreSQL: this process holds a handle on it in pgserver's list of users, so it
  keeps running when a server process exits (the last user stops it). A server process that was
  killed leaves its id in that list; the next one drops it when it joins (``embedded_postgres.py``).

The server process exits with :data:`~heavy.dev.server_options.RESTART_EXIT_CODE` when a
change needs a fresh process, and the next one takes over at once: a standby, started a few seconds
after the current one, that has already loaded the libraries and waits for its turn
(``standby.py``). If the server stops for another reason (a module that no longer imports, say),
the next saved change under a watched package starts it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import click

from heavy.app import current_app
from heavy.config import HeavySettings
from heavy.data.database_setup import prepare_databases
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.dev.file_watcher import FileWatcher
from heavy.dev.server_options import RESTART_EXIT_CODE, DevServerOptions
from heavy.dev.standby import GO
from heavy.errors import ConfigurationError
from heavy.serving import check_port_free

SERVER_MODULE = f"{__name__.partition('.')[0]}.dev"
LISTEN_BACKLOG = 128
STANDBY_DELAY_SECONDS = 3.0  # let the new server start before the next one competes for the CPU
STANDBY_EXIT_SECONDS = 5.0


def package_folders(names: Sequence[str]) -> tuple[Path, ...]:
    """The source folder of each package, or a one-line error naming the one that is not found."""
    folders: list[Path] = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            raise ConfigurationError(
                f"cannot watch {name!r}: no package of that name can be imported from here "
                "(give a package name, like the one holding your pages, and run from the project folder)"
            )
        folders.extend(Path(location) for location in spec.submodule_search_locations)
    return tuple(dict.fromkeys(folders))


def run_dev(
    settings: HeavySettings,
    *,
    host: str,
    port: int,
    code_folders: Sequence[Path],
    poll_interval: float,
) -> None:
    """Serve with hot reload until Ctrl+C (SIGINT) or SIGTERM."""
    if not settings.is_dev:
        raise ConfigurationError(
            f"heavy dev is for development and runs with {settings.env_name('environment')}=DEV; "
            "serve PRODUCTION with heavy run"
        )
    # Databases checked (and created, with their tables) once, here; this process also keeps
    # the embedded server running across restarts of the server process.
    urls, _ = asyncio.run(prepare_databases(settings, create_schema=True))
    check_port_free(host, port)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
    listening.set_inheritable(True)
    database = "embedded PostgreSQL" if urls.embedded else "configured databases"
    watched = ", ".join(str(folder) for folder in code_folders)
    click.echo(
        f"{current_app().title} (DEV, {database}) serving on http://{host}:{port} "
        f"with hot reload of {watched}; Ctrl+C stops it",
        err=True,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="heavy-dev-") as scratch:
            options = DevServerOptions(
                socket_fd=listening.fileno(),
                code_folders=tuple(code_folders),
                library_list=Path(scratch) / "libraries.txt",
                poll_interval=poll_interval,
            )
            Supervisor(options).run()
    finally:
        listening.close()
        stop_embedded_postgres()


class Supervisor:
    """Runs the server process again and again, until told to stop."""

    def __init__(self, options: DevServerOptions) -> None:
        self.options = options
        self._stopping = threading.Event()
        self._changed = threading.Event()
        self._server: subprocess.Popen[bytes] | None = None
        self._standby: subprocess.Popen[bytes] | None = None

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not self._stopping.is_set():
                exit_code = self._serve_once()
                if self._stopping.is_set():
                    break
                if exit_code != RESTART_EXIT_CODE:
                    click.echo(
                        f"heavy dev: the server stopped (exit code {exit_code}); "
                        "it starts again when you save a change",
                        err=True,
                    )
                    self._wait_for_a_saved_change()
        finally:
            self._dismiss_standby()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _serve_once(self) -> int:
        server = self._server = self._take_standby() or self._start(self.options)
        try:
            while self._standby is None:  # start the next one once this one has listed its libraries
                try:
                    return server.wait(timeout=STANDBY_DELAY_SECONDS)
                except subprocess.TimeoutExpired:
                    if self.options.library_list.exists() and not self._stopping.is_set():
                        self._standby = self._start(self.options.as_standby())
            return server.wait()
        finally:
            self._server = None

    def _start(self, options: DevServerOptions) -> subprocess.Popen[bytes]:
        # Its own session: Ctrl+C in the terminal reaches only this process, which passes it on
        # once (a second signal would cut the server's graceful shutdown short).
        return subprocess.Popen(
            [sys.executable, "-m", SERVER_MODULE, *options.to_arguments()],
            pass_fds=(options.socket_fd,),
            stdin=subprocess.PIPE if options.standby else None,
            start_new_session=True,
        )

    def _take_standby(self) -> subprocess.Popen[bytes] | None:
        standby, self._standby = self._standby, None
        if standby is None or standby.stdin is None or standby.poll() is not None:
            return None
        try:
            standby.stdin.write(GO)
            standby.stdin.close()
        except OSError:  # it went away meanwhile
            return None
        return standby

    def _dismiss_standby(self) -> None:
        standby, self._standby = self._standby, None
        if standby is None:
            return
        with contextlib.suppress(OSError):
            if standby.stdin is not None:
                standby.stdin.close()  # end of input: it exits
        try:
            standby.wait(timeout=STANDBY_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            standby.kill()
            standby.wait()

    def _wait_for_a_saved_change(self) -> None:
        self._changed.clear()
        watcher = FileWatcher(
            self.options.code_folders,
            lambda _path: self._changed.set(),
            wants=lambda path: path.suffix == ".py",
            interval=self.options.poll_interval,
        )
        watcher.start()
        try:
            while not (self._changed.is_set() or self._stopping.is_set()):
                self._changed.wait(timeout=0.5)
        finally:
            watcher.stop()

    def _stop(self, _signal: int, _frame: FrameType | None) -> None:
        self._stopping.set()
        self._changed.set()
        server = self._server
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
