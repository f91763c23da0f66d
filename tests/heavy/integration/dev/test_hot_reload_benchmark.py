"""The hot reload benchmark keeps working: tiny sizes, its structure checked (never its speed)."""

from __future__ import annotations

import pytest

from bench import hot_reload

pytestmark = pytest.mark.slow


async def test_the_dev_benchmark_times_patches_and_restarts() -> None:
    results = await hot_reload.measure_dev(edits=2, restarts=1)

    assert results["patch"]["samples"] == 2
    assert results["restart"]["samples"] == 1
    assert results["patch"]["p50_ms"] > 0
    assert results["patch_server_apply_ms_median"] is not None


def test_the_test_daemon_benchmark_compares_both_ways() -> None:
    results = hot_reload.measure_test_daemon(runs=1)

    assert set(results) == {"daemon", "cold", "ratio_p50"}
    assert results["daemon"]["samples"] == results["cold"]["samples"] == 1
    assert results["ratio_p50"] > 0
