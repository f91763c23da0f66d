"""bench.idle_memory runs its one step per server and round, and writes what it measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import idle_memory

pytestmark = pytest.mark.slow  # starts a server twice


def test_each_server_is_measured_once_per_round(tmp_path: Path) -> None:
    path = idle_memory.main(
        ["--server", "echo", "--rounds", "2", "--connections", "3"],
        results_dir=tmp_path,
    )

    results = json.loads(path.read_text())
    assert results["connections"] == 3
    assert set(results["kib_per_connection"]) == {"echo"}
    assert all(len(rounds) == 2 for rounds in results["kib_per_connection"].values())
    assert set(results["medians"]) == {"echo"}
