"""The figures of a replay run, and the verdict against its limits (p95, error rate, every step matched).

Locust writes its CSV files once a second while it runs, so their last second can be missing;
the Locust process therefore also writes a final summary (JSON) when it quits, which
``heavy load-test`` judges. Percentiles are Locust's own (response times rounded as Locust does).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import orjson

from heavy.errors import HeavyError
from heavy.load_testing.replay_plan import ReplayPlan


@dataclass(frozen=True)
class StepStats:
    name: str
    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None

    @property
    def successes(self) -> int:
        return self.requests - self.failures


@dataclass(frozen=True)
class LoadTestResult:
    steps: dict[str, StepStats]
    total: StepStats

    @property
    def error_rate(self) -> float:
        return self.total.failures / self.total.requests if self.total.requests else 0.0

    def unmatched_steps(self, plan: ReplayPlan) -> list[str]:
        """Names of the plan's steps that never succeeded in the run."""
        return [
            step.name
            for step in plan.steps
            if step.name not in self.steps or self.steps[step.name].successes == 0
        ]

    def summary(self) -> str:
        return (
            f"{self.total.requests} steps replayed, {self.total.failures} failed "
            f"({self.error_rate:.2%}), p50 {_ms(self.total.p50_ms)}, p95 {_ms(self.total.p95_ms)}"
        )

    def limit_violations(
        self, plan: ReplayPlan, *, max_p95_ms: float | None, max_error_rate: float | None
    ) -> list[str]:
        """What broke the limits, one phrase each (empty: passed)."""
        violations = []
        if self.total.requests == 0:
            return ["no step was replayed (is the duration long enough, and the app up?)"]
        if max_p95_ms is not None and (self.total.p95_ms is None or self.total.p95_ms > max_p95_ms):
            violations.append(f"p95 {_ms(self.total.p95_ms)} > {max_p95_ms:g} ms")
        if max_error_rate is not None and self.error_rate > max_error_rate:
            violations.append(f"error rate {self.error_rate:.2%} > {max_error_rate:.2%}")
        unmatched = self.unmatched_steps(plan)
        if unmatched:
            violations.append(f"{len(unmatched)} step(s) never matched (first: {unmatched[0]!r})")
        return violations


def write_summary(result: LoadTestResult, path: Path) -> None:
    path.write_bytes(orjson.dumps(dataclasses.asdict(result), option=orjson.OPT_INDENT_2))


def read_summary(path: Path) -> LoadTestResult:
    """The summary Locust's process wrote when it finished (see ``locust_user``)."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise HeavyError(f"Locust wrote no summary to {path}; its output above says why") from None
    return LoadTestResult(
        steps={name: StepStats(**step) for name, step in data["steps"].items()},
        total=StepStats(**data["total"]),
    )


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g} ms"
