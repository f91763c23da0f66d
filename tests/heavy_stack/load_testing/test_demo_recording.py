"""The demo recording replays against the demo app, alone and as a headless load test.

If a test here fails because the landing page changed, re-record the session:
``.venv/bin/python dev_scripts/record_demo_session.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dev_scripts.record_demo_session import DEMO_RECORDING
from heavy.load_testing.locust_report import read_summary
from heavy.load_testing.replay_plan import ReplayPlan, load_replay_plan
from heavy.load_testing.session_replayer import SessionReplayer, StepResult
from tests.support.servers import ServerProcess, free_port

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("demo_documents")]

RE_RECORD = "re-record it: .venv/bin/python dev_scripts/record_demo_session.py"
PLAIN_LOCUSTFILE = Path(__file__).with_name("data_recorder_locust.py")


@pytest.fixture(scope="module")
def demo_plan() -> ReplayPlan:
    return load_replay_plan(DEMO_RECORDING)


def run_and_clean_up(command: list[str], cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in its own process group; on a timeout kill the group (Locust included)."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def load_test_command(host: str, report_dir: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "heavy_stack", "load-test",
        "--recording", str(DEMO_RECORDING),
        "--host", host,
        "--users", "4",
        "--spawn-rate", "4",
        "--duration", "5s",
        "--think-time", "0.1",
        "--step-timeout", "30",  # generous: a shared CI machine can be slow; the assertions are on failures
        "--report-dir", str(report_dir),
        *extra,
    ]  # fmt: skip


class TestDemoRecording:
    def test_it_replays_against_the_demo_app_step_by_step(
        self, demo_server: ServerProcess, demo_plan: ReplayPlan
    ) -> None:
        results: list[StepResult] = []

        SessionReplayer(demo_plan, demo_server.base_url, step_timeout=10).play(results.append)

        failures = [result.describe() for result in results if not result.matched]
        assert not failures, (
            f"the demo recording no longer fits the landing page ({failures[0]}); {RE_RECORD}"
        )
        assert [result.step.name for result in results] == [step.name for step in demo_plan.steps]

    def test_it_covers_the_landing_page_flow(self, demo_plan: ReplayPlan) -> None:
        names = [step.name for step in demo_plan.steps]

        assert names[0].startswith("00 connect")
        assert "location" in names[1] or "onHistoryChangeCallback" in names[1], "the router's first event"
        assert sum("#counter-button" in name for name in names) == 3
        assert any("#search-query" in name for name in names)
        assert any("#search-form" in name for name in names)
        adds = [i for i, name in enumerate(names) if "#add-document-form" in name]
        searches = [i for i, name in enumerate(names) if "#search-form" in name]
        assert adds, "it stores what it searches for, so it replays on any database"
        assert adds[0] < searches[0]
        assert any(name.endswith("-> /other") for name in names)
        assert names[-1].endswith("-> /")


class TestHeadlessLoadTest:
    def test_a_few_users_replay_it_without_a_failure_and_match_every_step(
        self, demo_server: ServerProcess, demo_plan: ReplayPlan, tmp_path: Path
    ) -> None:
        report_dir = tmp_path / "report"

        command = load_test_command(
            demo_server.base_url, report_dir, "--max-p95-ms", "5000", "--max-error-rate", "0"
        )

        result = run_and_clean_up(command, tmp_path)

        assert result.returncode == 0, result.stdout + result.stderr
        summary = read_summary(report_dir / "summary.json")
        assert summary.total.failures == 0
        assert summary.unmatched_steps(demo_plan) == [], RE_RECORD
        assert {step.name for step in demo_plan.steps} <= set(summary.steps)
        for report in ("locust_stats.csv", "locust_failures.csv", "report.html"):
            assert (report_dir / report).stat().st_size > 0
        assert "load test passed its limits" in result.stdout

    def test_a_broken_limit_fails_with_one_line_and_exit_code_4(
        self, demo_server: ServerProcess, tmp_path: Path
    ) -> None:
        command = load_test_command(demo_server.base_url, tmp_path / "report", "--max-p95-ms", "0.001")

        result = run_and_clean_up(command, tmp_path)

        assert result.returncode == 4
        last_line = result.stderr.strip().splitlines()[-1]
        assert last_line.startswith("heavy: error: load test failed: p95 ")
        assert "> 0.001 ms" in last_line

    def test_the_plain_locustfile_runs_with_locust_itself(
        self, demo_server: ServerProcess, tmp_path: Path
    ) -> None:
        summary_path = tmp_path / "summary.json"

        command = [
            sys.executable, "-m", "locust", "-f", str(PLAIN_LOCUSTFILE),
            "--headless", "--users", "2", "--spawn-rate", "2", "--run-time", "4s",
            "--host", demo_server.base_url, "--think-time", "0.1", "--replay-summary", str(summary_path),
        ]  # fmt: skip

        result = run_and_clean_up(command, tmp_path)

        assert result.returncode == 0, result.stderr
        summary = read_summary(summary_path)
        assert summary.total.requests > 0
        assert summary.total.failures == 0, result.stderr


class TestLocustWebUi:
    def test_web_opens_locusts_own_ui(self, demo_server: ServerProcess, tmp_path: Path) -> None:
        port = free_port()
        command = [
            sys.executable, "-m", "heavy_stack", "load-test", "--recording", str(DEMO_RECORDING),
            "--host", demo_server.base_url, "--web", "--web-port", str(port),
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            status = _wait_for_http(f"http://127.0.0.1:{port}/", process)
        finally:
            os.killpg(process.pid, signal.SIGINT)
            output, _ = process.communicate(timeout=30)

        assert status == 200, output
        assert f"Locust's UI: http://127.0.0.1:{port}" in output
        assert process.returncode == 0, output


def _wait_for_http(url: str, process: subprocess.Popen[str], timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return -1
        try:
            return httpx.get(url, timeout=2).status_code
        except httpx.HTTPError:
            time.sleep(0.2)
    return -1
