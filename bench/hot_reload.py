"""Hot reload, measured: how soon a save reaches an open session, and what the test daemon saves.

1. ``heavy dev`` on a throwaway copy of the project (``tests/support/probe_app.py``), a real
   websocket session on its probe page, state set by a click. Each round saves a new version of
   the page (written to a temporary file and renamed over the old one, as editors do) and times
   from the save to the ``layout-update`` that shows the new text arriving at the client: the
   in-place patch. A few rounds instead change a module constant, which restarts the server
   process; those time from the save to the reconnected session showing the new text with its
   state recovered (the baseline the in-place path is compared with). The client reconnects
   as soon as the old process has closed the session; a browser waits 0.75 s first.
2. One test, run again after editing it: through ``heavy test-daemon`` (a warm pytest that
   swaps the edit in) and as a cold ``pytest`` run of the same file, interleaved round by round
   so that a busy machine slows both alike. Each time is the whole command, start to exit.

Run: ``.venv/bin/python -m bench.hot_reload [--edits 20] [--restarts 3] [--test-runs 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed

from bench.results import print_table, summarise_ms, write_results
from heavy.config import env_prefix
from tests.heavy.integration.realtime.conftest import Tab
from tests.support.probe_app import make_probe_project, probe_page, probe_page_path
from tests.support.project_copy import write_source
from tests.support.servers import free_port, heavy_server

UPDATE_TIMEOUT = 60.0
BETWEEN_RESTARTS_SECONDS = 10.0  # time for the next standby to load its libraries, as between real edits
RESTART_TIMEOUT = 180.0
APPLIED_LINE = re.compile(r"probe_page\.py applied in (\d+) ms")
PROBE_TEST = """
    def test_probe():
        assert sum(range(ROUND)) >= 0
"""


async def measure_dev(edits: int, restarts: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="heavy-bench-dev-") as folder:
        root = make_probe_project(Path(folder) / "project")
        page = probe_page_path(root)
        env = {f"{env_prefix()}DATA_DIR": str(root / "data"), f"{env_prefix()}ENVIRONMENT": "DEV"}
        with heavy_server(["dev"], env, root / "heavy-dev.log", timeout=RESTART_TIMEOUT) as server:
            tab = Tab()
            patch_seconds: list[float] = []
            async with tab.open(server.base_url) as client:
                await client.wait_for_element("add")
                await client.click("add")
                await client.wait_for_text("count", "1")
                for edit in range(edits):
                    text = f"edit {edit}"
                    started = time.perf_counter()
                    write_source(page, probe_page(text))
                    await client.wait_for_text("text", text, timeout=UPDATE_TIMEOUT)
                    patch_seconds.append(time.perf_counter() - started)
                    assert client.text_of("count") == "1", "state lost"
                    await asyncio.sleep(0.2)  # one save at a time, as a person types and saves
            restart_seconds = [
                await _time_a_restart(server.base_url, tab, page, restart) for restart in range(restarts)
            ]
            applied_ms = [int(ms) for ms in APPLIED_LINE.findall(server.log())]
    return {
        "patch": summarise_ms(patch_seconds),
        "patch_server_apply_ms_median": statistics.median(applied_ms) if applied_ms else None,
        "restart": summarise_ms(restart_seconds) if restart_seconds else None,
    }


async def _time_a_restart(base_url: str, tab: Tab, page: Path, restart: int) -> float:
    text = f"restart {restart}"
    await asyncio.sleep(BETWEEN_RESTARTS_SECONDS)
    async with tab.open(base_url) as client:
        await client.wait_for_element("add")
        started = time.perf_counter()
        write_source(page, probe_page(text, greeting=f"Greeting {restart}"))  # a constant: restart
        with contextlib.suppress(ConnectionClosed):
            await client.drain(quiet_seconds=RESTART_TIMEOUT)
    async with httpx.AsyncClient(base_url=base_url, timeout=RESTART_TIMEOUT) as http:
        await http.get("/healthz")  # waits in the socket's queue until the new process serves
    async with tab.open(base_url) as client:
        await client.wait_for_text("text", text, timeout=UPDATE_TIMEOUT)
        await client.wait_for_text("count", "1", timeout=UPDATE_TIMEOUT)  # recovered
    return time.perf_counter() - started


def measure_test_daemon(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="heavy-bench-daemon-") as folder:
        root = make_probe_project(Path(folder) / "project", with_tests=True)
        test_file = root / "tests" / "unit" / "test_probe.py"
        write_source(test_file, PROBE_TEST.replace("ROUND", "0"))
        port = free_port()
        daemon = subprocess.Popen(
            [sys.executable, "-m", "heavy_stack", "test-daemon", "--port", str(port)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _wait_until_listening(port)
            daemon_command = ["-p", "pytest_hot_reloading.plugin", "--daemon-port", str(port)]
            _timed_pytest(root, [*daemon_command, "tests/unit/test_probe.py"])  # first run collects
            _timed_pytest(root, ["tests/unit/test_probe.py"])  # and the cold runs get their .pyc files
            cold, warm = [], []
            for run in range(1, runs + 1):
                write_source(test_file, PROBE_TEST.replace("ROUND", str(run)))
                time.sleep(1.0)  # the daemon notices saves within 0.2 s; the cold run needs no wait
                warm.append(_timed_pytest(root, [*daemon_command, "tests/unit/test_probe.py"]))
                cold.append(_timed_pytest(root, ["tests/unit/test_probe.py"]))
        finally:
            subprocess.run(
                [sys.executable, "-m", "heavy_stack", "test-daemon", "--stop", "--port", str(port)],
                cwd=root,
                capture_output=True,
                check=False,
            )
            daemon.wait(timeout=60)
    warm_summary, cold_summary = summarise_ms(warm), summarise_ms(cold)
    return {
        "daemon": warm_summary,
        "cold": cold_summary,
        "ratio_p50": warm_summary["p50_ms"] / cold_summary["p50_ms"],
    }


def _timed_pytest(root: Path, arguments: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or "1 passed" not in result.stdout:
        raise RuntimeError(f"pytest {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def _wait_until_listening(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("localhost", port), timeout=1):
            return
        time.sleep(0.1)
    raise TimeoutError(f"the test daemon did not listen on port {port} within {timeout} s")


def measure(edits: int, restarts: int, test_runs: int) -> dict[str, Any]:
    return {"dev": asyncio.run(measure_dev(edits, restarts)), "test_daemon": measure_test_daemon(test_runs)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--edits", type=int, default=20, help="saves patched in place (default 20)")
    parser.add_argument("--restarts", type=int, default=3, help="saves that restart the server (default 3)")
    parser.add_argument("--test-runs", type=int, default=5, help="runs of the test each way (default 5)")
    args = parser.parse_args(argv)

    results = measure(args.edits, args.restarts, args.test_runs)
    dev, daemon = results["dev"], results["test_daemon"]
    rows = [["save -> re-rendered layout-update (in place)", dev["patch"]]]
    if dev["restart"]:
        rows.append(["save -> state recovered after a restart", dev["restart"]])
    rows += [["test re-run through heavy test-daemon", daemon["daemon"]], ["cold pytest run", daemon["cold"]]]
    print_table(
        ["path", "p50 ms", "p95 ms", "samples"],
        [[name, f"{r['p50_ms']:.0f}", f"{r['p95_ms']:.0f}", str(r["samples"])] for name, r in rows],
    )
    print(f"\nserver-side patch time, median: {dev['patch_server_apply_ms_median']} ms")
    if dev["restart"]:
        print(f"in place vs restart, p50: {dev['patch']['p50_ms'] / dev['restart']['p50_ms']:.3f}x")
    print(f"test daemon vs cold pytest, p50: {daemon['ratio_p50']:.2f}x")
    print(f"written to {write_results('hot_reload', results)}")


if __name__ == "__main__":
    main()
