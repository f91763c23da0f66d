"""``heavy profile``: py-spy records the tests or the server; a stopped server shuts down as usual."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import psutil
import pytest

from tests.support.servers import ServerProcess, heavy_server

pytestmark = pytest.mark.slow

BUSY_TEST = """
def spin() -> int:
    total = 0
    for number in range(3_000_000):
        total += number % 7
    return total


def test_busy_loop() -> None:
    assert spin() > 0
"""


def frames_of(speedscope_file: Path) -> list[dict[str, str]]:
    frames: list[dict[str, str]] = orjson.loads(speedscope_file.read_bytes())["shared"]["frames"]
    return frames


@contextlib.contextmanager
def stopped_at_the_end(server: ServerProcess) -> Iterator[None]:
    """SIGTERM `heavy profile` as the block ends; should py-spy or the server outlive it, kill them."""
    descendants = psutil.Process(server.process.pid).children(recursive=True)
    try:
        yield
    finally:
        server.stop(timeout=60)  # sampled at 100 Hz, a server on a busy machine stops more slowly
        for process in descendants:
            with contextlib.suppress(psutil.NoSuchProcess):
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    process.kill()


class TestProfile:
    def test_profiling_tests_records_the_test_functions(self, tmp_path: Path) -> None:
        (tmp_path / "test_busy.py").write_text(BUSY_TEST)
        output = tmp_path / "tests.speedscope.json"

        profile_options = ["--format", "speedscope", "--output", str(output)]
        pytest_arguments = ["test_busy.py", "-q", "-p", "no:cacheprovider"]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "heavy_stack",
                "profile",
                "tests",
                *profile_options,
                "--",
                *pytest_arguments,
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=240,
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 passed" in result.stdout
        assert f"profile of the tests written to {output}" in result.stdout
        names = {frame["name"] for frame in frames_of(output)}
        assert {"test_busy_loop", "spin"} <= names

    def test_profiling_the_server_records_it_and_stops_it_gracefully(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        output = tmp_path / "server.speedscope.json"
        arguments = ["profile", "server", "--format", "speedscope", "--output", str(output), "--"]
        with (
            heavy_server(arguments, server_env, tmp_path / "profile.log") as server,
            stopped_at_the_end(server),
        ):
            for _ in range(10):
                assert httpx.get(f"{server.base_url}/healthz", timeout=10).status_code == 200
        # `heavy profile` got SIGTERM (as from an editor's stop button) and passed it on to the server

        assert server.process.returncode == 0
        log = (tmp_path / "profile.log").read_text()
        assert "Server Stopped" in log, log  # Sanic's graceful shutdown ran to its end
        assert "Traceback" not in log
        assert any("/sanic/" in frame["file"] for frame in frames_of(output))
