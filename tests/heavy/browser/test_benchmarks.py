"""The Brython benchmark keeps working: tiny sizes, its structure checked (never its speed)."""

from __future__ import annotations

import pytest

from bench import brython_round_trip

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_brython_benchmark_reports_round_trips_page_loads_and_their_ratios() -> None:
    results = await brython_round_trip.measure(round_trips=6, page_loads=1)

    trips, loads = results["round_trips"], results["page_loads"]
    assert trips["plain_click"]["samples"] == trips["brython_call"]["samples"] == 6
    assert trips["ratio_p50"] > 0
    assert trips["first_brython_call_ms"] > 0
    assert loads["content_ratio"] > 0
    assert loads["zone_shown_ms"] >= loads["content_ms_with_brython"]
