"""A benchmark server in a process of its own: started, timed to its first page, watched, stopped.

Each server gets a fresh interpreter so its start-up time (imports included) and its memory are
its own, not shared with the client or with the other servers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import psutil

from bench.servers import BenchServer
from heavy.config import env_prefix
from heavy.errors import HeavyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 20.0
_POLL_SECONDS = 0.005


class BenchmarkError(HeavyError):
    """A benchmark server failed to start or gave wrong answers: the numbers would mean nothing."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BenchServerProcess:
    """``python -m bench.servers NAME`` on a free port; its log goes to ``log_dir``."""

    def __init__(
        self,
        server: BenchServer,
        log_dir: Path,
        *,
        data_dir: Path | None,
        user_id: str | None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.server = server
        self.environment = dict(environment or {})
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{server.name}-{self.port}.log"
        self._args = [sys.executable, "-m", "bench.servers", server.name, "--port", str(self.port)]
        if data_dir is not None:
            self._args += ["--data-dir", str(data_dir)]
        if user_id is not None:
            self._args += ["--user-id", user_id]
        self._process: subprocess.Popen[bytes] | None = None
        self._ps: psutil.Process | None = None
        self.startup_seconds = 0.0
        self.pid_when_started: int | None = None

    def start(self) -> float:
        """Start the server and wait for its first page (``GET /`` answering 200): the start-up time."""
        # A developer's HEAVY_STACK_* settings must not reach the servers; cwd is not the project,
        # so no .env is read either.
        env = {name: value for name, value in os.environ.items() if not name.startswith(env_prefix())}
        env.update(self.environment)  # the benchmark's own settings, if it gives any
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        with self.log_path.open("ab") as log:
            started = time.perf_counter()
            self._process = subprocess.Popen(
                self._args,
                cwd=self.log_path.parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._ps = psutil.Process(self._process.pid)
        self.pid_when_started = self._process.pid
        deadline = started + START_TIMEOUT_SECONDS
        with httpx.Client(timeout=2.0) as http:
            while time.perf_counter() < deadline:
                if self._process.poll() is not None:
                    raise BenchmarkError(
                        f"{self.server.label} server exited with {self._process.returncode} before "
                        f"serving its page; see {self.log_path}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    if http.get(f"{self.base_url}/").status_code == 200:
                        self.startup_seconds = time.perf_counter() - started
                        return self.startup_seconds
                time.sleep(_POLL_SECONDS)
        self.stop()
        raise BenchmarkError(
            f"{self.server.label} server served no page within {START_TIMEOUT_SECONDS:.0f}s; "
            f"see {self.log_path}"
        )

    @property
    def pid(self) -> int:
        return self._running().pid

    def rss_bytes(self) -> int:
        return int(self._running().memory_info().rss)

    def cpu_seconds(self) -> float:
        times = self._running().cpu_times()
        return float(times.user + times.system)

    def check_alive(self) -> None:
        if self._process is None or self._process.poll() is not None:
            raise BenchmarkError(f"{self.server.label} server is not running; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM (Sanic shuts down gracefully), then SIGKILL if it hangs."""
        process, self._process, self._ps = self._process, None, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def _running(self) -> psutil.Process:
        self.check_alive()
        assert self._ps is not None
        return self._ps


@contextlib.contextmanager
def running_server(
    server: BenchServer,
    log_dir: Path,
    *,
    data_dir: Path | None = None,
    user_id: str | None = None,
    environment: Mapping[str, str] | None = None,
) -> Iterator[BenchServerProcess]:
    """A started server, always stopped afterwards; ``environment`` adds settings (``HEAVY_STACK_*``)."""
    process = BenchServerProcess(server, log_dir, data_dir=data_dir, user_id=user_id, environment=environment)
    try:
        process.start()
        yield process
    finally:
        process.stop()


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its children, exited ones included (PostgreSQL's backends)."""
    root = psutil.Process(pid)
    times = root.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in root.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child_times = child.cpu_times()
            total += child_times.user + child_times.system
    return float(total)
