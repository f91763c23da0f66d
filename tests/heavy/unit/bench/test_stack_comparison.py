"""The comparison's arithmetic and its table: sizes, medians over rounds, ratios to the baselines."""

from __future__ import annotations

import resource
from typing import Any

import pytest

from bench.server_process import BenchmarkError
from bench.servers import ECHO, REACTPY, SERVERS
from bench.stack_comparison import (
    FULL,
    METRICS,
    QUICK,
    combine_rounds,
    print_comparison,
    raise_open_file_limit,
    ratios,
    selected_servers,
)
from heavy.cli.bench import SERVER_NAMES


def measured(**metrics: float) -> dict[str, Any]:
    return {"metrics": {metric.key: metrics.get(metric.key, 1.0) for metric in METRICS}}


class TestSizes:
    def test_a_tiny_scale_keeps_at_least_one_of_everything_and_the_rounds(self) -> None:
        tiny = FULL.scaled(0.0001)

        assert tiny.sequential_clicks == tiny.idle_connections == tiny.concurrent_connections == 1
        assert tiny.rounds == FULL.rounds

    def test_quick_measures_the_same_connection_counts_in_fewer_rounds(self) -> None:
        assert QUICK.idle_connections == FULL.idle_connections == 1000
        assert QUICK.concurrent_connections == FULL.concurrent_connections == 100
        assert QUICK.sequential_clicks == FULL.sequential_clicks == 1000
        assert QUICK.rounds < FULL.rounds


class TestCombineRounds:
    def test_each_metric_is_the_median_over_the_rounds(self) -> None:
        rounds = [measured(startup_ms=value) for value in (900.0, 100.0, 300.0)]

        combined = combine_rounds(ECHO, rounds)

        assert combined["metrics"]["startup_ms"] == 300.0
        assert combined["label"] == ECHO.label
        assert combined["rounds"] == rounds


class TestRatios:
    def test_every_server_is_divided_by_each_baseline_that_ran(self) -> None:
        servers = {
            "echo": measured(sequential_p50_ms=0.1),
            "reactpy": measured(sequential_p50_ms=0.2),
            "heavy": measured(sequential_p50_ms=0.3),
        }

        found = ratios(servers)

        assert found["reactpy"]["heavy"]["sequential_p50_ms"] == pytest.approx(1.5)
        assert found["echo"]["heavy"]["sequential_p50_ms"] == pytest.approx(3.0)
        assert found["reactpy"]["reactpy"]["sequential_p50_ms"] == 1.0

    def test_a_baseline_that_did_not_run_gives_no_ratios(self) -> None:
        assert set(ratios({"heavy": measured()})) == set()

    def test_a_zero_baseline_figure_gives_no_ratio_for_that_metric(self) -> None:
        found = ratios({"reactpy": measured(server_cpu_us_per_event=0.0), "heavy": measured()})

        assert "server_cpu_us_per_event" not in found["reactpy"]["heavy"]
        assert "startup_ms" in found["reactpy"]["heavy"]


class TestPrintComparison:
    def test_prints_each_metric_with_a_ratio_row_per_baseline(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        servers = {
            name: {**measured(), "label": label}
            for name, label in (("echo", ECHO.label), ("reactpy", REACTPY.label))
        }
        print_comparison({"servers": servers, "ratios": ratios(servers), "sizes": FULL.__dict__})

        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split() == ["raw", "echo", "bare", "ReactPy"]
        assert sum(line.startswith("  / bare ReactPy") for line in lines) == len(METRICS)
        assert sum(line.startswith("  / raw echo") for line in lines) == len(METRICS)
        assert any(line.startswith("click round trip p50, 100 connections (ms)") for line in lines)


class TestServerSelection:
    def test_the_command_offers_exactly_the_benchmark_servers(self) -> None:
        assert tuple(server.name for server in SERVERS) == SERVER_NAMES

    def test_selected_servers_keep_the_tables_order(self) -> None:
        assert selected_servers(("heavy", "echo")) == (SERVERS[0], SERVERS[2])
        assert selected_servers(()) == SERVERS


class TestOpenFileLimit:
    def test_more_files_than_the_hard_limit_is_a_one_line_error(self) -> None:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY:
            pytest.skip("this shell has no hard limit on open files")

        with pytest.raises(BenchmarkError, match="ulimit"):
            raise_open_file_limit(hard + 1)
