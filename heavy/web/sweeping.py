"""Periodic deletion of expired rows (login sessions, rate-limit windows, UI state snapshots).

On PostgreSQL nothing else deletes them (Redis expires its keys by itself), so each server
process runs one sweeper task per feature: at start-up and then every interval. A failed sweep is
logged and tried again at the next interval; it never stops the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

Sweep = Callable[[], Awaitable[int]]
"""Deletes what has expired; returns how many rows went."""


def start_sweeping(sweeps: dict[str, Sweep], interval_seconds: float) -> asyncio.Task[None]:
    """A task that runs every sweep (named by what it deletes) now and every ``interval_seconds``."""
    return asyncio.create_task(_sweep_forever(sweeps, interval_seconds))


async def stop_sweeping(task: asyncio.Task[None] | None) -> None:
    """Cancel a task from :func:`start_sweeping` (if any) and wait for it to end."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _sweep_forever(sweeps: dict[str, Sweep], interval_seconds: float) -> None:
    while True:
        for what, sweep in sweeps.items():
            await _sweep_once(what, sweep)
        await asyncio.sleep(interval_seconds)


async def _sweep_once(what: str, sweep: Sweep) -> None:
    try:
        swept = await sweep()
    except Exception:
        logger.exception("sweeping expired %s failed; trying again later", what)
        return
    if swept:
        logger.info("swept %d expired %s", swept, what)
