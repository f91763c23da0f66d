"""The zero-setup default database: a real PostgreSQL 16 with pgvector, from the ``pgserver`` wheel.

With no database URL configured, the app starts (or reuses) one server whose data lives under
``DATA_DIR/pgdata`` and listens only on a Unix socket in that folder. pgserver keeps a list of the
processes using the server and stops it when the last one exits, so a second process (tests, a
script, a second worker) reuses the running server instead of starting another. A process that
was killed leaves its id in that list; :meth:`EmbeddedPostgres.start` drops ids of processes that
no longer exist first, so a server left behind is adopted (and later stopped), never duplicated.
"""

from __future__ import annotations

import json
import logging
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from heavy.errors import DatabaseUnavailableError

with warnings.catch_warnings():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its /tmp fallback is fine.
    warnings.simplefilter("ignore")
    from pgserver.postgres_server import PostgresServer, get_server

if TYPE_CHECKING:
    from collections.abc import Iterator

logger = logging.getLogger(__name__)

_HANDLES_FILE = ".handle_pids.json"  # pgserver's list of processes using a server


class EmbeddedPostgres:
    """One embedded PostgreSQL server, identified by its data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = (data_dir / "pgdata").resolve()
        self._server: PostgresServer | None = None

    def start(self) -> None:
        """Start the server, or join the one already running on this data folder."""
        if self._server is not None:
            return
        try:
            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
            with PostgresServer._lock:
                _forget_exited_processes(self.pgdata / _HANDLES_FILE)
            self._server = get_server(self.pgdata, cleanup_mode="stop")
        except (OSError, subprocess.SubprocessError, AssertionError, RuntimeError) as error:
            raise DatabaseUnavailableError(
                f"could not start the embedded PostgreSQL in {self.pgdata}: {_first_line(error)} "
                f"(its log is {self.pgdata / 'log'}; delete {self.pgdata} to start from scratch)"
            ) from error
        logger.info("embedded PostgreSQL ready at %s (pid %s)", self.socket_dir, self._server.get_pid())

    def stop(self) -> None:
        """Let go of the server; it stops when no other process is using it."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    @property
    def is_started(self) -> bool:
        return self._server is not None

    @property
    def socket_dir(self) -> Path:
        info = self._running_server().get_postmaster_info()
        assert info.socket_dir is not None, "pgserver always listens on a Unix socket on this platform"
        return Path(info.socket_dir)

    @property
    def pid(self) -> int | None:
        return self._running_server().get_pid()

    def url(self, database: str) -> str:
        """An async SQLAlchemy URL for ``database`` on this server."""
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def _running_server(self) -> PostgresServer:
        if self._server is None:
            raise RuntimeError("the embedded PostgreSQL is not started; call start() first")
        return self._server


_servers: dict[Path, EmbeddedPostgres] = {}


def embedded_postgres(data_dir: Path) -> EmbeddedPostgres:
    """The process-wide, started :class:`EmbeddedPostgres` for ``data_dir``."""
    key = (data_dir / "pgdata").resolve()
    server = _servers.get(key)
    if server is None:
        server = _servers[key] = EmbeddedPostgres(data_dir)
    server.start()
    return server


def stop_embedded_postgres(data_dir: Path | None = None) -> None:
    """Release the embedded server of ``data_dir`` (or all of them); the last user stops each."""
    keys = [(data_dir / "pgdata").resolve()] if data_dir is not None else list(_servers)
    for key in keys:
        server = _servers.pop(key, None)
        if server is not None:
            server.stop()


def _forget_exited_processes(handles_file: Path) -> None:
    if not handles_file.exists():
        return
    try:
        pids = json.loads(handles_file.read_text())
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in _as_pids(pids) if psutil.pid_exists(pid)]
    if alive != pids:
        logger.info("embedded PostgreSQL: forgetting exited processes %s", sorted(set(pids) - set(alive)))
        handles_file.write_text(json.dumps(alive))


def _as_pids(values: object) -> Iterator[int]:
    if isinstance(values, list):
        yield from (value for value in values if isinstance(value, int))


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
