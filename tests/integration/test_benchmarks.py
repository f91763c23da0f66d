"""Benchmarks keep working: each runs with tiny sizes and reports its structure (never its speed)."""

from __future__ import annotations

import pytest

from bench import user_lookup

pytestmark = pytest.mark.slow


async def test_user_lookup_benchmark_reports_both_paths_and_their_ratio() -> None:
    results = await user_lookup.measure(lookups=20)

    assert set(results) == {"heavy", "raw_asyncpg", "ratio_p50", "ratio_p99"}
    for path in ("heavy", "raw_asyncpg"):
        assert results[path]["samples"] == 20
        assert results[path]["p50_ms"] > 0
    assert results["ratio_p50"] > 0
