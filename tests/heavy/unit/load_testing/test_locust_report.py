"""The verdict of a replay run: limits on p95 and error rate, and every recorded step matched."""

from __future__ import annotations

from pathlib import Path

from heavy.load_testing.locust_report import LoadTestResult, StepStats, read_summary, write_summary
from heavy.load_testing.replay_plan import ReplayPlan, ReplayStep


def plan_with(*names: str) -> ReplayPlan:
    steps = tuple(
        ReplayStep(number=number, name=name, message=None, target_on_page=True, expected=())
        for number, name in enumerate(names)
    )
    return ReplayPlan(recording=Path("r.jsonl"), connection=1, url_path="/_reactpy/stream", steps=steps)


def result(*steps: StepStats, p95_ms: float = 20.0) -> LoadTestResult:
    total = StepStats(
        name="Aggregated",
        requests=sum(step.requests for step in steps),
        failures=sum(step.failures for step in steps),
        p50_ms=5.0,
        p95_ms=p95_ms,
    )
    return LoadTestResult(steps={step.name: step for step in steps}, total=total)


PLAN = plan_with("00 connect /", "01 on_click #counter-button")
ALL_GOOD = result(
    StepStats("00 connect /", 10, 0, 3.0, 9.0), StepStats("01 on_click #counter-button", 10, 0, 1.0, 2.0)
)


class TestLimitViolations:
    def test_a_run_within_its_limits_passes(self) -> None:
        assert ALL_GOOD.limit_violations(PLAN, max_p95_ms=100, max_error_rate=0) == []

    def test_a_slow_p95(self) -> None:
        slow = result(*ALL_GOOD.steps.values(), p95_ms=140)

        assert slow.limit_violations(PLAN, max_p95_ms=100, max_error_rate=None) == ["p95 140 ms > 100 ms"]

    def test_too_many_failures(self) -> None:
        failing = result(
            StepStats("00 connect /", 10, 0, 3.0, 9.0),
            StepStats("01 on_click #counter-button", 10, 1, 1.0, 2.0),
        )

        assert failing.error_rate == 0.05
        assert failing.limit_violations(PLAN, max_p95_ms=None, max_error_rate=0.01) == [
            "error rate 5.00% > 1.00%"
        ]

    def test_a_step_that_never_matched_fails_the_check(self) -> None:
        half = result(
            StepStats("00 connect /", 10, 0, 3.0, 9.0),
            StepStats("01 on_click #counter-button", 2, 2, 1.0, 2.0),
        )

        assert half.unmatched_steps(PLAN) == ["01 on_click #counter-button"]
        assert "1 step(s) never matched (first: '01 on_click #counter-button')" in half.limit_violations(
            PLAN, max_p95_ms=None, max_error_rate=1
        )

    def test_a_run_that_replayed_nothing(self) -> None:
        assert (
            result()
            .limit_violations(PLAN, max_p95_ms=100, max_error_rate=0)[0]
            .startswith("no step was replayed")
        )


class TestSummaryFile:
    def test_round_trips(self, tmp_path: Path) -> None:
        path = tmp_path / "summary.json"

        write_summary(ALL_GOOD, path)

        assert read_summary(path) == ALL_GOOD
