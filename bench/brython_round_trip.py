"""What Brython costs a page, in Chromium: a Brython call's round trip against a plain click's, and
the landing page's first render with Brython against the same page with Brython's files blocked.

- Round trips, on one page, interleaved in rounds: a plain click (event -> handler -> re-render)
  against a click whose handler calls ``get_session_storage`` through the BrythonExecutor (event
  -> handler -> script -> Brython -> result field -> validated callback -> re-render). Timed in
  the page, from ``click()`` to the changed text.
- Page loads, each in a fresh browser profile (cold cache), alternating: when the landing page's
  content appears (``#counter-button``), with Brython, and with every Brython request blocked.
  Also when Brython's first answer (the browser's time zone) is on the page.

Needs the machine's Chromium (``scripts/install_browser.sh``). The app runs in this process on
an embedded PostgreSQL in a temporary folder.

Run: ``.venv/bin/python -m bench.brython_round_trip [--round-trips N] [--page-loads N]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path
from typing import Any

from heavy_brython.storage import get_session_storage
from playwright.async_api import Browser, async_playwright
from reactpy import component, html, use_state

from bench.results import print_table, summarise_ms, write_results
from heavy.app_factory import create_app
from heavy.config import HeavySettings, load_settings
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.ui.brython_executors import BrythonExecutorContext, BrythonExecutorProvider
from heavy.ui.reactpy_util import heavy_event, heavy_use_context
from heavy.ui.types import Component
from heavy_stack.frontend.root import Root
from tests.support.chromium import CHROMIUM_ARGS, find_chromium, no_chromium_message
from tests.support.servers import serve_in_process

ROUNDS = 6
BROWSER_TIMEZONE = "Europe/Paris"

ROUND_TRIP_MS = """async (id) => {
    const button = document.getElementById(id);
    const before = button.textContent;
    const started = performance.now();
    const changed = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
            if (button.textContent !== before) { observer.disconnect(); resolve(); }
        });
        observer.observe(button, {childList: true, characterData: true, subtree: true});
    });
    button.click();
    await changed;
    return performance.now() - started;
}"""

MARK_MILESTONES = """
window.heavyMilestones = {};
new MutationObserver(() => {
    const marks = window.heavyMilestones, now = performance.now();
    if (marks.content === undefined && document.getElementById("counter-button")) marks.content = now;
    const zone = document.getElementById("timezone-name");
    if (marks.zone === undefined && zone && zone.textContent !== "UTC") marks.zone = now;
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


@component
def RoundTrips() -> Component:
    brython_executor = heavy_use_context(BrythonExecutorContext)
    plain, set_plain = use_state(0)
    via_brython, set_via_brython = use_state(0)

    def ask_brython(_event: object) -> None:
        brython_executor.call(
            get_session_storage, lambda _value: set_via_brython(lambda count: count + 1), key="bench"
        )

    return html.div(
        html.button(
            {"id": "plain", "on_click": heavy_event(lambda _: set_plain(lambda c: c + 1))}, f"{plain}"
        ),
        html.button({"id": "brython", "on_click": heavy_event(ask_brython)}, f"{via_brython}"),
    )


@component
def RoundTripsRoot() -> Component:
    return BrythonExecutorProvider(RoundTrips())


async def measure_round_trips(browser: Browser, settings: HeavySettings, round_trips: int) -> dict[str, Any]:
    timings: dict[str, list[float]] = {"plain": [], "brython": []}
    async with serve_in_process(create_app(settings, name="bench_round_trips", root=RoundTripsRoot)) as url:
        page = await browser.new_page()
        await page.goto(url)
        await page.wait_for_selector("#brython")
        first_call_ms = await page.evaluate(ROUND_TRIP_MS, "brython")  # loads and starts Brython
        for button in ("plain", "brython"):  # warm both paths
            for _ in range(10):
                await page.evaluate(ROUND_TRIP_MS, button)
        per_round = max(1, round_trips // ROUNDS)
        for _ in range(ROUNDS):
            for button in ("plain", "brython"):
                for _ in range(per_round):
                    timings[button].append(await page.evaluate(ROUND_TRIP_MS, button) / 1000)
        await page.close()
    plain, brython = summarise_ms(timings["plain"]), summarise_ms(timings["brython"])
    return {
        "plain_click": plain,
        "brython_call": brython,
        "first_brython_call_ms": first_call_ms,
        "ratio_p50": brython["p50_ms"] / plain["p50_ms"],
    }


async def measure_page_loads(browser: Browser, settings: HeavySettings, page_loads: int) -> dict[str, Any]:
    content: dict[str, list[float]] = {"with_brython": [], "brython_blocked": []}
    zone_shown: list[float] = []
    async with serve_in_process(create_app(settings, name="bench_page_loads", root=Root)) as url:
        for _ in range(page_loads):
            for mode in ("with_brython", "brython_blocked"):
                context = await browser.new_context(timezone_id=BROWSER_TIMEZONE)
                page = await context.new_page()
                await page.add_init_script(MARK_MILESTONES)
                if mode == "brython_blocked":
                    await page.route("**/static/brython*/**", lambda route: route.abort())
                await page.goto(url)
                await page.wait_for_function("() => window.heavyMilestones.content !== undefined")
                if mode == "with_brython":
                    await page.wait_for_function("() => window.heavyMilestones.zone !== undefined")
                    zone_shown.append(await page.evaluate("() => window.heavyMilestones.zone"))
                content[mode].append(await page.evaluate("() => window.heavyMilestones.content"))
                await context.close()
    with_brython, blocked = (
        statistics.median(content["with_brython"]),
        statistics.median(content["brython_blocked"]),
    )
    return {
        "content_ms_with_brython": with_brython,
        "content_ms_brython_blocked": blocked,
        "content_ratio": with_brython / blocked,
        "zone_shown_ms": statistics.median(zone_shown),
        "page_loads": page_loads,
    }


async def measure(round_trips: int, page_loads: int) -> dict[str, Any]:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(f"bench.brython_round_trip: {no_chromium_message()}")
    with tempfile.TemporaryDirectory(prefix="heavy-bench-") as data_dir:
        settings = load_settings(_env_file=None, data_dir=Path(data_dir))
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    trips = await measure_round_trips(browser, settings, round_trips)
                    loads = await measure_page_loads(browser, settings, page_loads)
                finally:
                    await browser.close()
        finally:
            stop_embedded_postgres(Path(data_dir))
    return {"round_trips": trips, "page_loads": loads}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--round-trips", type=int, default=120, help="round trips per path (default 120)")
    parser.add_argument("--page-loads", type=int, default=12, help="cold page loads per mode (default 12)")
    args = parser.parse_args(argv)

    results = asyncio.run(measure(args.round_trips, args.page_loads))
    trips, loads = results["round_trips"], results["page_loads"]
    print_table(
        ["round trip", "p50 ms", "p95 ms", "p99 ms", "samples"],
        [
            [name, f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}", str(r["samples"])]
            for name, r in (("plain click", trips["plain_click"]), ("Brython call", trips["brython_call"]))
        ],
    )
    print(f"\nratio Brython call / plain click: p50 {trips['ratio_p50']:.2f}x")
    print(f"first Brython call on a page (loads and starts Brython): {trips['first_brython_call_ms']:.0f} ms")
    print(
        f"landing page content, median of {loads['page_loads']} cold loads: "
        f"{loads['content_ms_with_brython']:.0f} ms with Brython, "
        f"{loads['content_ms_brython_blocked']:.0f} ms with Brython blocked "
        f"(ratio {loads['content_ratio']:.2f}x); "
        f"the browser's time zone shown at {loads['zone_shown_ms']:.0f} ms"
    )
    print(f"written to {write_results('brython_round_trip', results)}")


if __name__ == "__main__":
    main()
