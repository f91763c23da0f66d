"""How many concurrent replaying users one worker process holds (p95 step time < 100 ms, no failure).

One ``heavy run`` process (one worker) on a fresh embedded PostgreSQL holding the demo documents;
``heavy load-test`` replays the demo recording
(``tests/heavy_stack/load_testing/landing_page_session.jsonl``) at growing numbers of users, each
level for a fixed time, until a level breaks the limits. The baseline is one user on the same
server: latency ratios and memory per user are against it. The server's RSS and CPU, and the load
generator's CPU (Locust, one process), are sampled so that
a saturated generator is not mistaken for a saturated server.

Run: ``.venv/bin/python -m bench.replay_capacity [--levels 25,50,100,200,400] [--duration 20] [--keep-going]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from bench.results import print_table, write_results
from dev_scripts.record_demo_session import (
    DEMO_RECORDING,
    ensure_demo_documents,
    free_port,
    wait_until_healthy,
)
from heavy.config import env_prefix, load_settings
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.load_testing.locust_report import read_summary

MAX_P95_MS = 100.0
MIB = 1024 * 1024


@dataclass
class LevelResult:
    users: int
    steps: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None
    server_rss_mib: float
    server_cpu_percent: float
    server_cpu_ms_per_step: float
    locust_cpu_percent: float

    @property
    def held(self) -> bool:
        return self.failures == 0 and self.steps > 0 and self.p95_ms is not None and self.p95_ms < MAX_P95_MS


class _Sampler:
    """Peak RSS and CPU time of the server, and CPU time of the load generator, while a level runs."""

    def __init__(self, server: psutil.Process, load_test: psutil.Process) -> None:
        self.server, self.load_test = server, load_test
        self.peak_rss = server.memory_info().rss
        self.generator_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Sampler:
        self.started = time.monotonic()
        self.server_cpu_start = _cpu_seconds(self.server)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.elapsed = time.monotonic() - self.started
        self.server_cpu = _cpu_seconds(self.server) - self.server_cpu_start

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_rss = max(self.peak_rss, self.server.memory_info().rss)
            with contextlib.suppress(psutil.Error):
                for process in [self.load_test, *self.load_test.children(recursive=True)]:
                    self.generator_cpu[process.pid] = _cpu_seconds(process)


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def run_level(
    base_url: str, server: psutil.Process, users: int, duration: int, report_dir: Path
) -> LevelResult:
    command = [
        sys.executable, "-m", "heavy_stack", "load-test",
        "--recording", str(DEMO_RECORDING),
        "--host", base_url,
        "--users", str(users),
        "--spawn-rate", str(max(10, users // 4)),
        "--duration", f"{duration}s",
        "--think-time", "1.0",
        "--report-dir", str(report_dir),
    ]  # fmt: skip
    load_test = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with _Sampler(server, psutil.Process(load_test.pid)) as sampler:
        _, errors = load_test.communicate(timeout=duration + 120)
    if load_test.returncode != 0:
        raise RuntimeError(f"heavy load-test failed at {users} users: {errors.strip().splitlines()[-1:]}")
    summary = read_summary(report_dir / "summary.json")
    return LevelResult(
        users=users,
        steps=summary.total.requests,
        failures=summary.total.failures,
        p50_ms=summary.total.p50_ms,
        p95_ms=summary.total.p95_ms,
        server_rss_mib=sampler.peak_rss / MIB,
        server_cpu_percent=100 * sampler.server_cpu / sampler.elapsed,
        server_cpu_ms_per_step=1000 * sampler.server_cpu / max(1, summary.total.requests),
        locust_cpu_percent=100 * sum(sampler.generator_cpu.values()) / sampler.elapsed,
    )


def measure(levels: list[int], duration: int, *, keep_going: bool = False) -> dict[str, Any]:
    """Baseline (one user), then each level until one breaks the limits (or every level: ``keep_going``)."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="heavy-bench-replay-") as folder:
        data_dir = Path(folder)
        asyncio.run(ensure_demo_documents(load_settings(_env_file=None, data_dir=data_dir)))
        port = free_port()
        server_process = subprocess.Popen(
            [sys.executable, "-m", "heavy_stack", "run", "--port", str(port)],
            cwd=data_dir,
            env={**os.environ, f"{env_prefix()}DATA_DIR": str(data_dir), f"{env_prefix()}ENVIRONMENT": "DEV"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_healthy(base_url, server_process)
            server = psutil.Process(server_process.pid)
            idle_rss_mib = server.memory_info().rss / MIB
            baseline = run_level(base_url, server, 1, duration, data_dir / "level-1")
            results = []
            for users in levels:
                result = run_level(base_url, server, users, duration, data_dir / f"level-{users}")
                results.append(result)
                print(f"{users} users: p95 {result.p95_ms} ms, {result.failures} failures", file=sys.stderr)
                if not result.held and not keep_going:
                    break
        finally:
            os.killpg(server_process.pid, signal.SIGTERM)
            server_process.wait(30)
            stop_embedded_postgres(data_dir)

    held = [result for result in results if result.held]
    best = max(held, key=lambda result: result.users) if held else None
    busiest = results[-1]
    steps_per_user_second = busiest.steps / (busiest.users * duration)
    return {
        "machine_load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "limit_p95_ms": MAX_P95_MS,
        "duration_s": duration,
        "idle_rss_mib": idle_rss_mib,
        "baseline": asdict(baseline),
        "levels": [asdict(result) for result in results],
        "held_users": best.users if best else 0,
        "p95_ratio_to_baseline": (
            best.p95_ms / baseline.p95_ms if best and best.p95_ms and baseline.p95_ms else None
        ),
        "rss_kib_per_user": (best.server_rss_mib - idle_rss_mib) * 1024 / best.users if best else None,
        # What one core could carry at this pace if server CPU were the only limit (not measured):
        "projected_users_per_core": 1000 / (busiest.server_cpu_ms_per_step * steps_per_user_second),
        "projected_from_users": busiest.users,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--levels", default="25,50,100,200,400", help="user counts to try, in order")
    parser.add_argument("--duration", type=int, default=20, help="seconds per level (default 20)")
    parser.add_argument("--keep-going", action="store_true", help="run every level, even after one fails")
    args = parser.parse_args(argv)

    results = measure(
        [int(level) for level in args.levels.split(",")], args.duration, keep_going=args.keep_going
    )
    rows = [results["baseline"], *results["levels"]]
    print_table(
        ["users", "steps", "failures", "p50 ms", "p95 ms", "server RSS MiB", "server CPU %", "CPU ms/step",
         "Locust CPU %"],
        [
            [
                str(row["users"]), str(row["steps"]), str(row["failures"]), f"{row['p50_ms']}",
                f"{row['p95_ms']}", f"{row['server_rss_mib']:.0f}", f"{row['server_cpu_percent']:.0f}",
                f"{row['server_cpu_ms_per_step']:.2f}", f"{row['locust_cpu_percent']:.0f}",
            ]
            for row in rows
        ],
    )  # fmt: skip
    print(
        f"\none worker held {results['held_users']} replaying users, p95 < {MAX_P95_MS:g} ms, no failure "
        f"(idle RSS {results['idle_rss_mib']:.0f} MiB; "
        f"{results['rss_kib_per_user'] or 0:.0f} KiB per user above idle; "
        f"p95 {results['p95_ratio_to_baseline'] or 0:.1f}x the one-user baseline)"
    )
    print(
        f"server CPU per step at {results['projected_from_users']} users: one core would carry about "
        f"{results['projected_users_per_core']:.0f} users at this pace if CPU were its only limit (projected)"
    )
    load = results["machine_load_average"]
    print(f"machine load average (1 min): {load['before']:.1f} before, {load['after']:.1f} after")
    print(f"written to {write_results('replay_capacity', results)}")


if __name__ == "__main__":
    main()
