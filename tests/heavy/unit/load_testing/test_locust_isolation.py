"""Locust patches the standard library for gevent when imported: only its own subprocess may import it."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time


def test_the_test_process_is_not_patched_for_gevent() -> None:
    assert "locust" not in sys.modules
    assert socket.socket.__module__ == "socket"
    assert threading.Lock.__module__ == "_thread"
    assert time.sleep.__module__ == "time"


def test_the_heavy_command_and_the_replay_client_do_not_import_locust() -> None:
    probe = (
        "import sys, heavy.cli, heavy.load_testing.session_replayer; "
        "print('locust' in sys.modules, 'gevent' in sys.modules)"
    )

    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.split() == ["False", "False"]
