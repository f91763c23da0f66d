"""``heavy load-test``: replay a recorded session with many Locust users, headless by default.

Locust runs in a subprocess: it patches the standard library for gevent on import, which must not
happen in this process (or in a test process). Before it starts, one replay checks that the
recording fits the app, so a stale recording or a wrong host is one line, not a run full of failures.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click

import heavy.load_testing
from heavy.cli.record import default_recordings_dir
from heavy.config import load_settings
from heavy.errors import HeavyError, LoadTestFailedError, RecordingError
from heavy.load_testing.locust_report import read_summary
from heavy.load_testing.replay_plan import ReplayPlan, load_replay_plan
from heavy.load_testing.session_replayer import Outcome, SessionReplayer, StepResult

LOCUSTFILE = Path(heavy.load_testing.__file__).with_name("locustfile.py")
CSV_PREFIX = "locust"
HTML_REPORT = "report.html"
SUMMARY = "summary.json"
LOCUST_GRACE_SECONDS = 120  # to start, stop its users and write its reports, on a busy machine too


class Duration(click.ParamType[int, Any]):
    """Seconds, or Locust's form: ``90``, ``90s``, ``5m``, ``1h30m``."""

    name = "duration"
    _FORM = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = self._FORM.match(str(value).strip())
        seconds = (
            0
            if match is None
            else sum(int(part or 0) * unit for part, unit in zip(match.groups(), (3600, 60, 1), strict=True))
        )
        if seconds <= 0:
            self.fail(f"{value!r} is not a duration such as 30, 30s, 5m or 1h30m", param, ctx)
        return seconds


@click.command("load-test")
@click.option(
    "--recording",
    type=click.Path(path_type=Path),
    help="Recording to replay.  "
    "[default: the newest in DATA_DIR/recordings/, i.e. .heavy/recordings/ unless set]",
)
@click.option("--host", default="http://127.0.0.1:8000", show_default=True, help="The running app to load.")
@click.option("--users", type=click.IntRange(min=1), default=10, show_default=True, help="Concurrent users.")
@click.option(
    "--spawn-rate",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Users started per second.",
)
@click.option(
    "--duration",
    type=Duration(),
    default="30s",
    show_default=True,
    help="How long to run: 90, 90s, 5m, 1h30m.",
)
@click.option(
    "--connection",
    type=click.IntRange(min=1),
    help="Connection of the recording to replay.  [default: the one with the most client events]",
)
@click.option(
    "--think-time",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Average seconds a user pauses between steps and sessions (varied by +-50%).",
)
@click.option(
    "--step-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a step may wait for its updates before it counts as failed.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for Locust's CSV and HTML reports.  [default: .heavy/load-tests/<time>/]",
)
@click.option(
    "--max-p95-ms",
    type=click.FloatRange(min=0, min_open=True),
    help="Fail (exit 4) if the 95th percentile step time is above this many milliseconds.",
)
@click.option(
    "--max-error-rate",
    type=click.FloatRange(0, 1),
    help="Fail (exit 4) if more than this fraction of steps fail (0.01 is 1%).",
)
@click.option("--web", is_flag=True, help="Open Locust's web UI instead of running headless (no limits).")
@click.option(
    "--web-port",
    type=click.IntRange(1, 65535),
    default=8089,
    show_default=True,
    help="Port of the UI (--web).",
)
def load_test(
    recording: Path | None,
    host: str,
    users: int,
    spawn_rate: float,
    duration: int,
    connection: int | None,
    think_time: float,
    step_timeout: float,
    report_dir: Path | None,
    max_p95_ms: float | None,
    max_error_rate: float | None,
    web: bool,
    web_port: int,
) -> None:
    """Replay a recorded session with many users and report each step's response time.

    Each user loops: connect, send the recorded client events in order (waiting for the matching
    server updates), disconnect. With --max-p95-ms / --max-error-rate it is a pass/fail check for CI.
    """
    if web and (max_p95_ms is not None or max_error_rate is not None):
        raise click.UsageError("--max-p95-ms and --max-error-rate apply to headless runs; drop --web")
    if not host.startswith(("http://", "https://")):
        raise click.BadParameter(f"{host!r} is not an http:// or https:// URL", param_hint="--host")
    host = host.rstrip("/")
    settings = load_settings()
    recording = recording or _newest_recording(default_recordings_dir(settings))
    plan = load_replay_plan(recording, connection)
    _preflight(plan, host, step_timeout)

    replay_options = [
        "--recording", str(plan.recording),
        "--connection", str(plan.connection),
        "--think-time", str(think_time),
        "--step-timeout", str(step_timeout),
    ]  # fmt: skip
    common = ["-f", str(LOCUSTFILE), "--host", host, "--users", str(users), "--spawn-rate", str(spawn_rate)]
    if web:
        click.echo(f"Locust's UI: http://127.0.0.1:{web_port} (Ctrl+C stops it)")
        _run_locust([*common, "--web-host", "127.0.0.1", "--web-port", str(web_port), *replay_options])
        return

    report_dir = (report_dir or settings.data_dir / "load-tests" / time.strftime("%Y%m%d-%H%M%S")).resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    headless = [
        "--headless",
        "--run-time", f"{duration}s",
        "--csv", str(report_dir / CSV_PREFIX),
        "--html", str(report_dir / HTML_REPORT),
        "--only-summary",
        "--exit-code-on-error", "0",  # failures are judged below, against the limits
        "--replay-summary", str(report_dir / SUMMARY),
    ]  # fmt: skip
    _run_locust([*common, *headless, *replay_options], timeout=duration + LOCUST_GRACE_SECONDS)
    result = read_summary(report_dir / SUMMARY)
    click.echo(f"load test: {result.summary()}; reports in {report_dir}")
    unmatched = result.unmatched_steps(plan)
    if unmatched:
        click.echo(f"steps that never matched: {', '.join(unmatched)}")
    if max_p95_ms is None and max_error_rate is None:
        return
    violations = result.limit_violations(plan, max_p95_ms=max_p95_ms, max_error_rate=max_error_rate)
    if violations:
        raise LoadTestFailedError(f"load test failed: {'; '.join(violations)}; reports in {report_dir}")
    click.echo("load test passed its limits")


def _newest_recording(folder: Path) -> Path:
    recordings = sorted(folder.glob("*.jsonl"), key=lambda path: path.stat().st_mtime)
    if not recordings:
        raise RecordingError(f"no recording given and none in {folder}; make one with `heavy record`")
    return recordings[-1]


def _preflight(plan: ReplayPlan, host: str, step_timeout: float) -> None:
    """Replay once, alone and without pauses: the recording must fit the app before loading it."""
    results: list[StepResult] = []
    SessionReplayer(plan, host, step_timeout=step_timeout).play(results.append)
    failed = next((result for result in results if not result.matched), None)
    if failed is None:
        total_ms = sum(result.response_time_ms for result in results)
        click.echo(
            f"replaying connection {plan.connection} of {plan.recording}: "
            f"{len(results)} steps matched in a first replay ({total_ms:.0f} ms)"
        )
        return
    if failed.outcome is Outcome.UNREACHABLE:
        raise HeavyError(f"{failed.failure}; start the app (heavy run) or pass --host")
    raise RecordingError(
        f"{plan.recording} does not replay against {host}: {failed.describe()}; "
        "if the page changed, record the session again (heavy record)"
    )


def _run_locust(arguments: list[str], *, timeout: float | None = None) -> None:
    """Run Locust in a subprocess, its output ours; ``timeout`` guards CI against a run that never ends."""
    process = subprocess.Popen([sys.executable, "-m", "locust", *arguments])
    try:
        code = process.wait(timeout)
    except KeyboardInterrupt:  # Ctrl+C reached Locust too: let it write its reports and stop
        code = process.wait()
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise HeavyError(f"Locust still ran {timeout:.0f} s after it started; stopped it") from None
    if code != 0:
        raise HeavyError(f"Locust exited with code {code}; its output above says why")
