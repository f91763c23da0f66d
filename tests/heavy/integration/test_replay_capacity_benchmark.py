"""The replay capacity benchmark keeps working: tiny sizes, its structure checked (never its speed)."""

from __future__ import annotations

import pytest

from bench import replay_capacity

pytestmark = pytest.mark.slow


def test_reports_the_baseline_each_level_and_what_one_worker_held() -> None:
    results = replay_capacity.measure(levels=[2], duration=3)

    assert results["baseline"]["users"] == 1
    [level] = results["levels"]
    assert level["users"] == 2
    assert level["steps"] > 0
    assert level["server_rss_mib"] > 0
    assert results["held_users"] in (0, 2)
    assert set(results["machine_load_average"]) == {"before", "after"}
