"""Servers for tests: the real app in this process, or the real ``heavy run`` in a subprocess.

Both listen on a free port chosen by the OS and are always stopped, embedded PostgreSQL
included (its last user stops it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
from sanic import Sanic

HEAVY = (sys.executable, "-m", "heavy_stack")  # the program ServerProcess runs unless told otherwise


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def serve_in_process(app: Sanic[Any, Any]) -> AsyncIterator[str]:
    """Run ``app`` on this event loop (listeners included); yields its base URL."""
    app.config.TOUCHUP = False  # Sanic's class-level code rewriting fails for a second app in a process
    app.config.MOTD = False
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))  # the OS picks a free port; Sanic would read port=0 as 8000
    listening.listen(128)
    listening.setblocking(False)
    server = await app.create_server(
        sock=listening, return_asyncio_server=True, access_log=False, debug=False
    )
    assert server is not None
    await server.startup()  # type: ignore[no-untyped-call]
    await server.before_start()  # type: ignore[no-untyped-call]
    await server.after_start()  # type: ignore[no-untyped-call]
    port = listening.getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()  # type: ignore[no-untyped-call]
        server.close()  # type: ignore[no-untyped-call]
        await server.wait_closed()  # type: ignore[no-untyped-call]
        await server.after_stop()  # type: ignore[no-untyped-call]


class ServerProcess:
    """``heavy <args>`` (or ``program <args>``) in a subprocess, stopped (SIGTERM, then SIGKILL) when done."""

    def __init__(
        self,
        args: list[str],
        env: Mapping[str, str],
        log_path: Path,
        port: int | None = None,
        *,
        program: Sequence[str] = HEAVY,
    ) -> None:
        # cwd is the log's folder, not the project: a developer's .env must not leak into tests.
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [*program, *args, "--port", str(self.port)],
            cwd=log_path.parent,
            env={**os.environ, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise TimeoutError(f"server not healthy after {timeout}s:\n{self.log()}")

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def heavy_server(
    args: list[str],
    env: Mapping[str, str],
    log_path: Path,
    *,
    timeout: float = 60.0,
    port: int | None = None,
    program: Sequence[str] = HEAVY,
) -> Iterator[ServerProcess]:
    """``heavy <args> --port N`` until the block ends; ``port`` to restart a server where it was;
    ``program`` to serve with another command line (Sanic's own CLI)."""
    server = ServerProcess(args, env, log_path, port, program=program)
    try:
        server.wait_until_healthy(timeout)
        yield server
    finally:
        server.stop()
