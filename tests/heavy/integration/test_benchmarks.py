"""Benchmarks keep working: each runs with tiny sizes and reports its structure (never its speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from bench import state_recovery, user_lookup
from bench.servers import SERVERS
from bench.stack_comparison import METRICS
from heavy.config import env_prefix

pytestmark = pytest.mark.slow


async def test_user_lookup_benchmark_reports_every_path_and_the_ratios() -> None:
    results = await user_lookup.measure(lookups=20)

    assert set(results) == {
        "heavy",
        "heavy_pre_ping",
        "raw_asyncpg",
        "ratio_p50",
        "ratio_p99",
        "pre_ping_ratio_p50",
    }
    for path in ("heavy", "heavy_pre_ping", "raw_asyncpg"):
        assert results[path]["samples"] == 20
        assert results[path]["p50_ms"] > 0
    assert results["ratio_p50"] > 0


def heavy_bench(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """``heavy bench ARGS`` in a subprocess (outside the project, without HEAVY_STACK_* settings)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(env_prefix())}
    results_dir = tmp_path / "results"
    finished = subprocess.run(
        [sys.executable, "-m", "heavy_stack", "bench", *args, "--results-dir", str(results_dir)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    (results_file,) = results_dir.glob("stack_comparison-*.json")
    return finished, json.loads(results_file.read_text())


class TestHeavyBench:
    def test_quick_run_measures_all_four_servers_prints_the_table_and_stops_everything(
        self, tmp_path: Path
    ) -> None:
        finished, results = heavy_bench(tmp_path, "--quick", "--scale", "0.02")

        assert list(results["servers"]) == [server.name for server in SERVERS]
        for server in SERVERS:
            measured = results["servers"][server.name]
            assert set(measured["metrics"]) == {metric.key for metric in METRICS}
            assert measured["metrics"]["sequential_p50_ms"] > 0
            assert measured["metrics"]["startup_ms"] > 0
            assert measured["rounds"][0]["idle_memory"]["connections"] == 20
            assert not psutil.pid_exists(measured["rounds"][0]["pid"]), f"{server.label} server still runs"
            assert server.label in finished.stdout
        for baseline in ("reactpy", "echo"):
            assert results["ratios"][baseline][baseline]["sequential_p50_ms"] == 1.0
            assert set(results["ratios"][baseline]) == {server.name for server in SERVERS}
        assert results["user_lookup"]["heavy"]["samples"] == 20
        assert results["click_path"]["heavy_event_async"]["samples"] == 100
        for metric in METRICS:
            assert metric.label.format(connections=2) in finished.stdout
        assert "written to" in finished.stdout

        database_dir = results["database_data_dir"]
        assert not Path(database_dir).exists()
        assert not any(
            database_dir in " ".join(p.info["cmdline"] or ()) for p in psutil.process_iter(["cmdline"])
        )

    def test_profile_reports_where_a_servers_cpu_goes(self, tmp_path: Path) -> None:
        finished, results = heavy_bench(
            tmp_path, "--quick", "--scale", "0.02", "--server", "echo", "--profile"
        )

        assert list(results["servers"]) == ["echo"]
        assert results["ratios"]["echo"]["echo"]["startup_ms"] == 1.0
        profile = results["servers"]["echo"]["profile"]
        assert Path(profile["collapsed_stacks"]).exists()
        assert profile["samples"] >= 0
        assert "profile of raw echo at saturation" in finished.stdout
        assert "user_lookup" not in results, "the database layer runs with the database server only"
        assert "click_path" not in results, "the in-process click path runs with the Heavy Stack server only"

    def test_an_unknown_server_is_refused_with_the_choices(self, tmp_path: Path) -> None:
        finished = subprocess.run(
            [sys.executable, "-m", "heavy_stack", "bench", "--server", "nginx"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

        assert finished.returncode == 2
        assert "'nginx' is not one of 'echo', 'reactpy', 'heavy', 'heavy-db'" in finished.stderr


async def test_state_recovery_benchmark_reports_both_sides_and_the_ratios() -> None:
    results = await state_recovery.measure(clicks=20, connections=10)

    assert results["recovery_off"]["state_recovery"] is False, "off is HEAVY_STACK_STATE_RECOVERY=false"
    assert results["recovery_on"]["state_recovery"] is True
    for side in ("recovery_off", "recovery_on"):
        assert results[side]["samples"] == 20
        assert results[side]["p50_ms"] > 0
        assert "rss_kib_per_connection" in results[side]
    assert set(results["ratio_on_to_off"]) >= {"p50_ms", "p99_ms"}
