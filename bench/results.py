"""Shared helpers for benchmark output: percentiles, a printed table, a JSON file per run."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import psutil

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (0..1) of ``samples``, nearest-rank."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def summarise_ms(samples_seconds: list[float]) -> dict[str, float]:
    """Median / p95 / p99 of timings, in milliseconds."""
    return {
        "p50_ms": statistics.median(samples_seconds) * 1000,
        "p95_ms": percentile(samples_seconds, 0.95) * 1000,
        "p99_ms": percentile(samples_seconds, 0.99) * 1000,
        "samples": len(samples_seconds),
    }


def machine_description() -> dict[str, Any]:
    """What the figures were measured on; the load average says how busy the machine was."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": _cpu_model() or platform.processor() or platform.machine(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average": os.getloadavg(),
    }


def _cpu_model() -> str | None:
    """The CPU's model name on Linux (``platform.processor()`` often says only ``x86_64``)."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "model name":
            return value.strip()
    return None


def write_results(name: str, results: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"machine": machine_description(), **results}, indent=2))
    return path


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    for row in [headers, ["-" * width for width in widths], *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
