"""bench.live_fanout keeps working: with 20 tabs and 5 messages it serves the live bench app with
``heavy run``, every message reaches every tab on each backend, and the report has its shape
(never its speed). Every process it started is gone afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest

from bench import live_fanout
from tests.support.external_services import require_external_redis

pytestmark = pytest.mark.slow

TABS, MESSAGES = 20, 5


def _own_children() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


def test_every_backend_delivers_every_message_to_every_tab_and_the_report_has_its_shape(
    tmp_path: Path,
) -> None:
    redis_url = require_external_redis()
    before = _own_children()

    path = live_fanout.main(
        ["--tabs", str(TABS), "--messages", str(MESSAGES), "--rounds", "1", "--redis-url", redis_url],
        results_dir=tmp_path,
    )

    results = json.loads(path.read_text())
    assert results["sizes"] == {"tabs": TABS, "workers": 2, "messages": MESSAGES, "rounds": 1}
    assert set(results["backends"]) == {"memory", "postgres", "redis"}
    assert results["skipped"] == {}
    for name, figures in results["backends"].items():
        assert figures["workers"] == (1 if name == "memory" else 2)
        assert sum(figures["tabs_per_worker"]) == TABS
        assert len(figures["tabs_per_worker"]) == figures["workers"]  # each worker serves tabs
        assert figures["paced"]["samples"] == TABS * MESSAGES
        assert figures["paced"]["p50_ms"] > 0
        assert figures["paced"]["p99_ms"] >= figures["paced"]["p50_ms"]
        assert figures["burst"]["delivered"] == figures["burst"]["expected"] == TABS * MESSAGES
        assert figures["burst"]["deliveries_per_second"] > 0
        assert figures["profile"] is None
        assert len(figures["rounds"]) == 1
    assert set(results["ratios"]) == {"postgres", "redis"}
    assert set(results["ratios"]["redis"]) == {"paced_p50", "paced_p99", "deliveries_per_second"}
    assert _own_children() <= before  # the servers, their workers and the database are stopped


def test_an_unreachable_redis_is_skipped_with_the_reason(tmp_path: Path) -> None:
    path = live_fanout.main(
        [
            "--tabs",
            "4",
            "--messages",
            "1",
            "--rounds",
            "1",
            "--backend",
            "redis",
            "--redis-url",
            "redis://127.0.0.1:1/0",
        ],
        results_dir=tmp_path,
    )

    results = json.loads(path.read_text())
    assert results["backends"] == {}
    assert results["skipped"] == {"redis": "no Redis at redis://127.0.0.1:1"}
    assert results["ratios"] == {}
