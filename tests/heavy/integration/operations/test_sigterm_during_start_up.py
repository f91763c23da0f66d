"""SIGTERM while ``heavy run --workers 2`` is still starting stops everything within seconds.

Sanic 25.12's worker manager, told to stop while it waits for its workers' start-up
acknowledgements, waited out its 30 s threshold, and a worker could be left running after the
main process had gone (``serving.py`` handles the signal during start-up itself).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow

SERVING_LINE = "serving on http://"  # logged just before the worker manager starts the workers
STOPPED_WITHIN_SECONDS = 8.0


def _group_members(group: int) -> list[psutil.Process]:
    """Every live process in the process group ``group`` (``ServerProcess`` starts a new session,
    so the main process and all the workers it spawns share it; PostgreSQL is not in it)."""
    members = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == group and process.status() != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (ProcessLookupError, psutil.NoSuchProcess):
            continue
    return members


def _wait_for_log(server: ServerProcess, text: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in server.log():
        if server.process.poll() is not None:
            raise RuntimeError(f"heavy run exited with {server.process.returncode}:\n{server.log()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {text!r} in the log after {timeout}s:\n{server.log()}")
        time.sleep(0.01)


class TestSigtermDuringStartUp:
    @pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5, 1.0])
    def test_the_process_tree_is_gone_within_seconds_and_no_worker_survives(
        self, server_env: dict[str, str], tmp_path: Path, delay: float
    ) -> None:
        server = ServerProcess(["run", "--workers", "2"], server_env, tmp_path / "server.log")
        group = server.process.pid
        try:
            _wait_for_log(server, SERVING_LINE)
            time.sleep(delay)  # the workers are being spawned, importing the app, opening databases
            server.process.send_signal(signal.SIGTERM)  # the main process only, as `docker stop` does
            sent_at = time.monotonic()
            try:
                server.process.wait(STOPPED_WITHIN_SECONDS)
            except subprocess.TimeoutExpired:
                pytest.fail(f"still running {STOPPED_WITHIN_SECONDS}s after SIGTERM:\n{server.log()}")
            while _group_members(group) and time.monotonic() - sent_at < STOPPED_WITHIN_SECONDS:
                time.sleep(0.05)
            survivors = [f"{p.pid} {' '.join(p.cmdline())[:80]}" for p in _group_members(group)]
            log = server.log()
        finally:
            with_survivors = _group_members(group)
            for process in with_survivors:
                process.kill()
            server.stop(timeout=5)

        assert survivors == [], log
        assert server.process.returncode == 0, log  # a requested stop, not a crash
        assert "Traceback" not in log
