"""``heavy test-daemon``: a warm pytest process that reloads changed code, so test runs start at once.

It is pytest-hot-reloading's daemon: one pytest process keeps the project imported and patches
saved changes into it with jurigged (as ``heavy dev`` does for the server); each run is a small
client that hands its arguments to the daemon and prints the result. Run tests through it with
``pytest -p pytest_hot_reloading.plugin <the usual arguments>``.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import click

from heavy.app import current_app
from heavy.errors import HeavyError

PLUGIN = "pytest_hot_reloading.plugin"
DEFAULT_PORT = 4852  # the plugin's own default, so a bare `pytest -p ...` finds the daemon
DAEMON_HOST = "localhost"  # where the plugin's client looks
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the packages, tests/, bench/
WATCHED_FOLDERS = (
    __name__.partition(".")[0],
    "tests",
    "bench",
    "dev_scripts",
)  # and the app's, found at run time
IGNORED_FOLDERS = (".venv", ".heavy")
POLL_THROTTLE = 0.1  # the plugin polls every 2 s times this: a save shows in the next run


@click.command("test-daemon")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    envvar="PYTEST_DAEMON_PORT",
    help="Port of the daemon (PYTEST_DAEMON_PORT works too; the test runs read it).",
)
@click.option("--stop", is_flag=True, help="Stop the daemon running on --port, and exit.")
def test_daemon(port: int, stop: bool) -> None:
    """Start the test daemon in this terminal; Ctrl+C (or `heavy test-daemon --stop`) stops it.

    Then, from another terminal or your editor, run tests through it:

    \b
      .venv/bin/pytest -p pytest_hot_reloading.plugin tests/heavy/unit/test_config.py

    Saved changes to the package, tests/, bench/ and dev_scripts/ are swapped into the daemon
    before the next run. A new test file or test is collected when the run's arguments change.
    """
    if stop:
        from pytest_hot_reloading.client import PytestClient

        PytestClient(daemon_port=port).stop()  # prints "Daemon stopped" or "Daemon is not running"
        return
    if _is_listening(port):
        raise HeavyError(
            f"something already listens on port {port} (a test daemon? stop it with "
            f"heavy test-daemon --stop --port {port}), or pick another with --port"
        )
    click.echo(
        f"test daemon on port {port}: run tests with `pytest -p {PLUGIN}"
        f"{'' if port == DEFAULT_PORT else f' --daemon-port {port}'} ...`; Ctrl+C stops it",
        err=True,
    )
    arguments = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        PLUGIN,
        "--daemon",
        "--daemon-port",
        str(port),
        "--daemon-watch-globs",
        ":".join(str(PROJECT_ROOT / folder / "*") for folder in (current_app().package, *WATCHED_FOLDERS)),
        "--daemon-ignore-watch-globs",
        ":".join(str(PROJECT_ROOT / folder / "*") for folder in IGNORED_FOLDERS),
        "--daemon-poll-throttle",
        str(POLL_THROTTLE),
    ]
    os.chdir(PROJECT_ROOT)  # the daemon reads the project's pytest configuration from here
    os.execv(sys.executable, arguments)  # this terminal's Ctrl+C now goes to the daemon itself


def _is_listening(port: int) -> bool:
    try:
        with socket.create_connection((DAEMON_HOST, port), timeout=1):
            return True
    except OSError:
        return False
