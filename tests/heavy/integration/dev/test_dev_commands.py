"""``heavy dev`` refuses what it cannot do with one line; ``heavy test-daemon`` runs tests through a
warm pytest that picks up saved changes, and stops on request."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.project_copy import copy_app, write_source
from tests.support.servers import free_port

pytestmark = pytest.mark.slow

COMMAND_TIMEOUT = 120
DAEMON_NOTICES_SECONDS = 1.0  # the daemon polls for saved files every 0.2 s


def run_in(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("heavy: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


class TestHeavyDevRefuses:
    def test_production_settings(self, tmp_path: Path) -> None:
        production = {
            "HEAVY_STACK_ENVIRONMENT": "PRODUCTION",
            "HEAVY_STACK_SECRET_KEY": "x" * 40,
            "HEAVY_STACK_SQL_DB_URL": f"postgresql://app@127.0.0.1:{free_port()}/app",
            "HEAVY_STACK_VECTOR_DB_URL": f"postgresql://app@127.0.0.1:{free_port()}/app",
        }

        result = run_in(tmp_path, "-m", "heavy_stack", "dev", env=production)

        assert_one_line_error(result, "heavy dev is for development", "serve PRODUCTION with heavy run")
        assert result.returncode == 2

    def test_a_package_that_does_not_exist(self, tmp_path: Path) -> None:
        result = run_in(tmp_path, "-m", "heavy_stack", "dev", "--watch", "no_such_package")

        assert_one_line_error(result, "cannot watch 'no_such_package'")


PASSING_TEST = """
    def test_probe():
        assert 1 + 1 == 2
"""

HERMETIC_TEST = """
    import os


    def test_no_shell_settings():
        assert [name for name in os.environ if name.startswith("HEAVY_STACK_")] == []
"""


@pytest.fixture(scope="module")
def daemon_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """A project copy with one test, and the test daemon serving it on a free port."""
    root = copy_app(tmp_path_factory.mktemp("test-daemon") / "project", with_tests=True)
    write_source(root / "tests" / "unit" / "test_probe.py", PASSING_TEST)
    write_source(root / "tests" / "unit" / "test_hermetic.py", HERMETIC_TEST)
    port = free_port()
    daemon = subprocess.Popen(
        [sys.executable, "-m", "heavy_stack", "test-daemon", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_listening(port)
        yield root, port
    finally:
        stopped = run_in(root, "-m", "heavy_stack", "test-daemon", "--stop", "--port", str(port))
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
            pytest.fail(f"the daemon did not stop: {stopped.stdout} {stopped.stderr}")


def wait_until_listening(port: int, timeout: float = COMMAND_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("localhost", port), timeout=1):
            return
        time.sleep(0.1)
    raise TimeoutError(f"the test daemon did not listen on port {port} within {timeout} s")


def run_through_daemon(
    root: Path,
    port: int,
    test_file: str = "tests/unit/test_probe.py",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return run_in(
        root,
        "-m",
        "pytest",
        "-p",
        "pytest_hot_reloading.plugin",
        "--daemon-port",
        str(port),
        test_file,
        env=env,
    )


class TestTestDaemon:
    def test_a_saved_test_change_shows_in_the_next_run_through_the_daemon(
        self, daemon_project: tuple[Path, int]
    ) -> None:
        root, port = daemon_project
        first = run_through_daemon(root, port)

        write_source(root / "tests" / "unit" / "test_probe.py", PASSING_TEST.replace("== 2", "== 3"))
        time.sleep(DAEMON_NOTICES_SECONDS)
        second = run_through_daemon(root, port)

        assert first.returncode == 0, first.stdout + first.stderr
        assert "1 passed" in first.stdout
        assert second.returncode == 1, second.stdout + second.stderr
        assert "assert (1 + 1) == 3" in second.stdout

    def test_shell_settings_stay_out_of_every_run(self, daemon_project: tuple[Path, int]) -> None:
        root, port = daemon_project
        shell = {"HEAVY_STACK_PORT": "1234"}

        runs = [run_through_daemon(root, port, "tests/unit/test_hermetic.py", shell) for _ in range(2)]

        assert [run.returncode for run in runs] == [0, 0], runs[-1].stdout

    def test_a_second_daemon_on_the_same_port_is_refused(self, daemon_project: tuple[Path, int]) -> None:
        root, port = daemon_project

        result = run_in(root, "-m", "heavy_stack", "test-daemon", "--port", str(port))

        assert_one_line_error(result, f"something already listens on port {port}", "--stop")
