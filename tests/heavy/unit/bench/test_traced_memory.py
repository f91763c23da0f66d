"""bench.traced_memory snapshots each server with its sessions open and compares them line by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import traced_memory

pytestmark = pytest.mark.slow  # starts two servers


def test_each_server_is_traced_and_compared_with_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = traced_memory.main(
        ["--server", "echo", "--server", "reactpy", "--connections", "3", "--top", "5"],
        results_dir=tmp_path,
    )

    results = json.loads(path.read_text())
    assert results["connections"] == 3
    assert set(results["bytes_per_connection"]) == {"echo", "reactpy"}
    # A ReactPy page session keeps its layout, tasks and socket: kilobytes, all traced to lines.
    assert results["bytes_per_connection"]["reactpy"] > 1024
    reactpy_lines = results["bytes_by_line"]["reactpy"]
    assert any(line.startswith("reactpy/") for line in reactpy_lines)
    assert sum(reactpy_lines.values()) == pytest.approx(results["bytes_per_connection"]["reactpy"])
    printed = capsys.readouterr().out
    assert "reactpy against echo" in printed
    assert "the 5 lines keeping the most per connection" in printed
