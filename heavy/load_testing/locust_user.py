"""A Locust user that replays a recorded session in a loop: connect, play every step, disconnect.

Importing this module imports Locust, which patches the standard library for gevent: import it
from locustfiles only, never from the app or the test process. A locustfile subclasses
:class:`RecordedSessionUser` and names its recording::

    class LandingPageVisitor(RecordedSessionUser):
        recording = Path(__file__).with_name("landing_page_session.jsonl")

Every step is reported through ``events.request`` (type ``replay``, named after the step), so
Locust's statistics, CSV and HTML reports show each step's response time; a step that times out
or gets an answer that differs from the recording is a failure that says how.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

from locust import User, events, task
from locust.argument_parser import LocustArgumentParser
from locust.env import Environment
from locust.stats import StatsEntry

from heavy.errors import RecordingError
from heavy.load_testing.locust_report import LoadTestResult, StepStats, write_summary
from heavy.load_testing.replay_plan import ReplayPlan, load_replay_plan
from heavy.load_testing.session_replayer import (
    DEFAULT_STEP_TIMEOUT,
    SessionReplayer,
    StepResult,
    jittered,
)

logger = logging.getLogger(__name__)

REQUEST_TYPE = "replay"


class ReplayMismatch(Exception):
    """A replayed step did not get the recorded answer in time; the message says what differed."""

    def __repr__(self) -> str:  # Locust's failure tables show repr(): keep it to the message
        return str(self)


class RecordedSessionUser(User):
    """Replays one connection of ``recording``, again and again, with ``think_time`` between steps.

    Command-line options override the class attributes: ``--recording``, ``--connection``,
    ``--think-time``, ``--step-timeout``.
    """

    abstract = True

    recording: ClassVar[str | Path | None] = None
    connection: ClassVar[int | None] = None
    """The connection to replay; None picks the one with the most client events."""
    think_time: ClassVar[float] = 1.0
    """Average pause (seconds) between steps and between sessions, varied by +-50%."""
    step_timeout: ClassVar[float] = DEFAULT_STEP_TIMEOUT

    _plan: ClassVar[ReplayPlan | None] = None

    def wait_time(self) -> float:
        return jittered(self.think_time)

    @task
    def replay_recorded_session(self) -> None:
        assert self.host, "checked when Locust starts"
        replayer = SessionReplayer(
            self.replay_plan(),
            self.host,
            step_timeout=self.step_timeout,
            think=lambda: time.sleep(self.wait_time()),  # Locust made time.sleep yield to other users
        )
        replayer.play(self._report)

    def _report(self, result: StepResult) -> None:
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE,
            name=result.step.name,
            response_time=result.response_time_ms,
            response_length=result.response_length,
            exception=None if result.matched else ReplayMismatch(result.failure),
            context={},
        )

    @classmethod
    def replay_plan(cls) -> ReplayPlan:
        """The plan of this class's recording, read once per process."""
        plan = cls.__dict__.get("_plan")
        if plan is None:
            if cls.recording is None:
                raise RecordingError(f"{cls.__name__} has no recording: set `recording` or pass --recording")
            plan = cls._plan = load_replay_plan(Path(cls.recording), cls.connection)
        return plan


def _add_replay_options(parser: LocustArgumentParser, **_kwargs: Any) -> None:
    parser.add_argument("--recording", help="Recording to replay (made with `heavy record`)")
    parser.add_argument("--connection", type=int, help="Connection of the recording to replay")
    parser.add_argument("--think-time", type=float, help="Average seconds between steps")
    parser.add_argument("--step-timeout", type=float, help="Seconds a step may take before it fails")
    parser.add_argument(
        "--replay-summary", help="Write the final figures to this JSON file", include_in_web_ui=False
    )


def _configure_replaying_users(environment: Environment, **_kwargs: Any) -> None:
    """Apply the command-line options and read each recording now, so a bad one stops the run at once."""
    options = environment.parsed_options
    for user_class in environment.user_classes:
        if not issubclass(user_class, RecordedSessionUser):
            continue
        for option in ("recording", "connection", "think_time", "step_timeout"):
            value = getattr(options, option, None)
            if value is not None:
                setattr(user_class, option, value)
        user_class._plan = None
        try:
            user_class.replay_plan()
            if not (environment.host or user_class.host):
                raise RecordingError(f"{user_class.__name__} needs a host: pass --host http://127.0.0.1:8000")
        except RecordingError as error:
            logger.error("heavy: error: %s", error)
            sys.exit(error.exit_code)
    summary_path = getattr(options, "replay_summary", None)
    if summary_path:

        def write_final_figures(**_kwargs: Any) -> None:
            write_summary(_final_figures(environment), Path(summary_path))

        environment.events.quit.add_listener(write_final_figures)  # type: ignore[no-untyped-call]


def _final_figures(environment: Environment) -> LoadTestResult:
    def figures(entry: StatsEntry) -> StepStats:
        measured = entry.num_requests > 0
        return StepStats(
            name=entry.name,
            requests=entry.num_requests,
            failures=entry.num_failures,
            p50_ms=entry.get_response_time_percentile(0.5) if measured else None,
            p95_ms=entry.get_response_time_percentile(0.95) if measured else None,
        )

    stats = environment.stats
    return LoadTestResult(
        steps={entry.name: figures(entry) for entry in stats.entries.values()}, total=figures(stats.total)
    )


events.init_command_line_parser.add_listener(_add_replay_options)  # type: ignore[no-untyped-call]
events.init.add_listener(_configure_replaying_users)  # type: ignore[no-untyped-call]
