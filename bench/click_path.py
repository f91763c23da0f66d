"""The click path without the network: a ReactPy Layout answering clicks inside this process.

The same counter with three handlers, interleaved in rounds so that drift hits them alike:

- ``plain``: a plain function, as bare ReactPy takes it;
- ``heavy_event``: the same function through ``heavy_event`` (the wrapper only);
- ``heavy_event_async``: an async handler through ``heavy_event``, so every click opens and
  closes a HeavyContext (two fresh sessions, context variables) without sending SQL.

A click is ``Layout.deliver`` + ``Layout.render``: what the server does between reading a
``layout-event`` and writing its ``layout-update``. Free of sockets, of the client and of other
processes, the differences between the three are what ``heavy_event`` costs per click. The
sessions come from an engine that never connects (a context that sends no SQL takes no connection).

Run: ``.venv/bin/python -m bench.click_path [--clicks N]``
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from reactpy import component, html, use_state
from reactpy.backend.types import Connection, Location
from reactpy.core.hooks import ConnectionContext
from reactpy.core.layout import Layout
from reactpy.core.types import VdomDict

from bench.results import print_table, summarise_ms, write_results
from heavy.data.database_setup import create_engine
from heavy.data.db_connection import make_sessionmaker
from heavy.realtime.reactpy_patches import apply_reactpy_patches
from heavy.ui.reactpy_util import heavy_event
from heavy.web.api_requests import HeavyContext

ROUNDS = 10
WARM_UP_CLICKS = 200
NEVER_CONNECTED_URL = "postgresql+asyncpg://nobody@/never_connected?host=/nonexistent"
HANDLERS = ("plain", "heavy_event", "heavy_event_async")


def counter(handler: str) -> Callable[[], Any]:
    @component
    def Counter() -> VdomDict:
        count, set_count = use_state(0)

        def increment(_event: dict[str, Any]) -> None:
            set_count(lambda current: current + 1)

        async def increment_with_context(context: HeavyContext, _event: dict[str, Any]) -> None:
            set_count(lambda current: current + 1)

        on_click: Any = increment
        if handler == "heavy_event":
            on_click = heavy_event(increment)
        elif handler == "heavy_event_async":
            on_click = heavy_event(increment_with_context)
        return html.button({"id": "counter", "on_click": on_click}, f"Clicked {count} times")

    return Counter


async def measure(clicks: int) -> dict[str, Any]:
    apply_reactpy_patches()
    engine = create_engine(NEVER_CONNECTED_URL)
    sessionmaker = make_sessionmaker(engine)
    request = SimpleNamespace(
        ctx=SimpleNamespace(sessionmaker=sessionmaker, vector_sessionmaker=sessionmaker)
    )
    timings: dict[str, list[float]] = {handler: [] for handler in HANDLERS}
    per_round = max(1, clicks // ROUNDS)
    for round_number in range(ROUNDS + 1):  # round 0 warms every path up and is not counted
        for handler in HANDLERS:
            layout = Layout(
                ConnectionContext(
                    counter(handler)(),
                    value=Connection(
                        scope={}, location=Location("/", ""), carrier=SimpleNamespace(request=request)
                    ),
                )
            )
            async with layout:
                target = _click_target((await layout.render())["model"])
                for _ in range(WARM_UP_CLICKS if round_number == 0 else per_round):
                    started = time.perf_counter()
                    await layout.deliver(
                        {"type": "layout-event", "target": target, "data": [{"type": "click"}]}
                    )
                    await layout.render()
                    if round_number:
                        timings[handler].append(time.perf_counter() - started)
    await engine.dispose()
    summaries = {handler: summarise_ms(samples) for handler, samples in timings.items()}
    plain_p50 = summaries["plain"]["p50_ms"]
    return {
        **summaries,
        "ratios_p50_to_plain": {
            handler: summary["p50_ms"] / plain_p50 for handler, summary in summaries.items()
        },
    }


def _click_target(model: Any) -> str:
    """The event handler id of the only button in ``model``."""
    if isinstance(model, dict):
        for handler in model.get("eventHandlers", {}).values():
            return str(handler["target"])
        for child in model.get("children", ()):
            with_target = _click_target(child) if isinstance(child, dict) else ""
            if with_target:
                return with_target
    return ""


def print_click_path_table(results: dict[str, Any]) -> None:
    print_table(
        ["handler", "p50 us", "p99 us", "p50 / plain", "clicks"],
        [
            [
                handler,
                f"{results[handler]['p50_ms'] * 1000:.1f}",
                f"{results[handler]['p99_ms'] * 1000:.1f}",
                f"{results['ratios_p50_to_plain'][handler]:.2f}x",
                str(results[handler]["samples"]),
            ]
            for handler in HANDLERS
        ],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clicks", type=int, default=20000, help="clicks per handler (default 20000)")
    args = parser.parse_args(argv)

    results = asyncio.run(measure(args.clicks))
    print_click_path_table(results)
    print(f"written to {write_results('click_path', results)}")


if __name__ == "__main__":
    main()
