"""The embedded PostgreSQL: started once, shared between processes, adopted after a crash, durable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import text

from heavy.data.database_setup import create_database_if_missing, create_engine
from heavy.data.embedded_postgres import EmbeddedPostgres

pytestmark = pytest.mark.slow

_PRINT_SERVER_PID = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from heavy.data.embedded_postgres import EmbeddedPostgres
    server = EmbeddedPostgres(Path(sys.argv[1]))
    server.start()
    print(server.pid, flush=True)
    if len(sys.argv) > 2:
        sys.stdin.readline()  # hold the server until told to exit (or killed)
    server.stop()
    """
)


def _server_pid_from_another_process(data_dir: Path) -> int:
    output = subprocess.run(
        [sys.executable, "-c", _PRINT_SERVER_PID, str(data_dir)], check=True, capture_output=True, text=True
    )
    return int(output.stdout.strip())


def _has_exited(pid: int, timeout: float = 10.0) -> bool:
    """True once ``pid`` is gone (or a zombie waiting to be reaped by init)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def _postgres_processes(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(pgdata) in cmdline:
            found.append(process)
    return found


class TestEmbeddedPostgres:
    def test_a_second_process_reuses_the_running_server(self, embedded_server: EmbeddedPostgres) -> None:
        assert _server_pid_from_another_process(embedded_server.pgdata.parent) == embedded_server.pid

    def test_a_server_left_by_a_killed_process_is_adopted_then_stopped(self, tmp_path: Path) -> None:
        with subprocess.Popen(
            [sys.executable, "-c", _PRINT_SERVER_PID, str(tmp_path), "hold"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        ) as holder:
            assert holder.stdout is not None
            orphan_pid = int(holder.stdout.readline())
            holder.send_signal(signal.SIGKILL)
        assert psutil.pid_exists(orphan_pid), "a SIGKILLed owner leaves its server running"

        server = EmbeddedPostgres(tmp_path)
        server.start()
        try:
            assert server.pid == orphan_pid
            assert len(_postgres_processes(server.pgdata)) == 1
        finally:
            server.stop()

        assert _has_exited(orphan_pid), "the adopting process stops the server when it is the last user"

    async def test_data_survives_a_restart(self, tmp_path: Path) -> None:
        server = EmbeddedPostgres(tmp_path)
        server.start()
        url = server.url("durable")
        await create_database_if_missing(url)
        engine = create_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE notes (body text)"))
            await connection.execute(text("INSERT INTO notes VALUES ('kept')"))
        await engine.dispose()
        first_pid = server.pid
        server.stop()
        assert first_pid is not None
        assert _has_exited(first_pid)

        server.start()
        try:
            engine = create_engine(server.url("durable"))
            async with engine.connect() as connection:
                assert await connection.scalar(text("SELECT body FROM notes")) == "kept"
            await engine.dispose()
        finally:
            server.stop()

    def test_the_data_folder_holds_the_server_and_its_socket(self, embedded_server: EmbeddedPostgres) -> None:
        assert (embedded_server.pgdata / "PG_VERSION").exists()
        assert embedded_server.socket_dir == embedded_server.pgdata
        assert os.path.exists(embedded_server.socket_dir / ".s.PGSQL.5432")
