"""The demo guestbook, end to end: from signing it in one tab to the entry showing in another.

Each sample is the whole path a user sees: the form's submit over the websocket, the write and
commit, the live message (PostgreSQL NOTIFY by default), the other tab's re-read of the newest
entries and its re-render, until the entry is in that tab's page. ``heavy run --workers 2`` on a
fresh embedded PostgreSQL in a temporary folder serves the page; two raw websocket tabs play the
two people. Entries are spaced out to stay under a tab's publish limit.

Run: ``.venv/bin/python -m bench.guestbook_latency [--entries 40] [--workers 2]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.login_flood import heavy_run_server
from heavy.realtime.stream_client import StreamClient, text_content, walk

PUBLISH_SPACING_SECONDS = 0.25  # a tab may publish 5 a second


def newest_messages(tab: StreamClient) -> list[str]:
    entries = tab.find("guestbook-entries")
    if entries is None:
        return []
    return [
        text_content(node)
        for node in walk(entries)
        if node.get("attributes", {}).get("class_name") == "guestbook-message"
    ]


def shows_first(message: str) -> Callable[[StreamClient], bool]:
    return lambda tab: message in newest_messages(tab)[:1]


async def measure(base_url: str, entries: int) -> list[float]:
    """Milliseconds from submitting each entry in one tab to its showing first in the other's list."""
    run = uuid.uuid4().hex[:8]
    async with (
        StreamClient.open(base_url, "/guestbook") as writer,
        StreamClient.open(base_url, "/guestbook") as reader,
    ):
        await writer.wait_for_element("guestbook-form")
        await reader.wait_for_element("guestbook-form")
        await reader.drain(0.5)
        samples = []
        for number in range(entries):
            message = f"bench {run} {number}"
            elements = [{"tagName": "INPUT", "value": message}, {"tagName": "BUTTON", "value": ""}]
            started = time.perf_counter()
            await writer.trigger("guestbook-form", "onSubmit", {"target": {"elements": elements}})
            await reader.wait_for(shows_first(message))
            samples.append((time.perf_counter() - started) * 1000)
            await writer.drain(0.05)
            await asyncio.sleep(PUBLISH_SPACING_SECONDS)
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=40, help="entries signed, one at a time (default 40)")
    parser.add_argument("--workers", type=int, default=2, help="heavy run workers (default 2)")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="heavy-bench-guestbook-") as folder,
        heavy_run_server(Path(folder), workers=args.workers) as base_url,
    ):
        samples = sorted(asyncio.run(measure(base_url, args.entries)))
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    print(
        f"guestbook, sign -> shown in another tab, {len(samples)} entries, {args.workers} workers: "
        f"median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
