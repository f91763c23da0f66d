"""``sanic heavy.main.app``, Sanic's own CLI (documented in docs/running.md), serves the app."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.servers import heavy_server

pytestmark = pytest.mark.slow

SANIC = (str(Path(sys.executable).parent / "sanic"),)


def test_sanic_cli_serves_the_page_and_health_check_then_stops_cleanly(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    with heavy_server(["heavy.main.app"], server_env, tmp_path / "sanic.log", program=SANIC) as server:
        # Generous timeouts: under a loaded parallel test run the first render can take seconds.
        page = httpx.get(f"{server.base_url}/", timeout=30)
        health = httpx.get(f"{server.base_url}/healthz", timeout=30)
        server.process.send_signal(signal.SIGTERM)  # the main process only, as `docker stop` does
        exit_code = server.process.wait(timeout=60)
        log = server.log()

    assert page.status_code == 200, log
    assert "<title>Heavy Stack [DEV]</title>" in page.text
    assert health.status_code == 200, log
    assert health.json()["status"] == "ok"
    assert exit_code == 0, log
    assert "Server Stopped" in log
    assert "Traceback" not in log, log
    assert " ERROR " not in log, log
