"""Runs a benchmark's async steps on one uvloop event loop, and makes Ctrl+C stop the whole run.

asyncio's own Runner turns Ctrl+C into a cancellation of the running step, which a step may absorb
(a websocket closing as it is cancelled), and uvloop swallows a KeyboardInterrupt raised inside
its callbacks: either way a run would carry on with the next server. Here Ctrl+C cancels the
running step and raises KeyboardInterrupt as soon as it returns, so the ``finally`` blocks of the
caller stop every server and the database it started.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine
from types import FrameType, TracebackType
from typing import Any, TypeVar

import uvloop

T = TypeVar("T")
SignalHandler = Callable[[int, FrameType | None], Any] | int | None


class StepRunner:
    """``with StepRunner() as steps: steps.run(coroutine)``, one step after another."""

    def __init__(self) -> None:
        self._runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
        self._step: asyncio.Task[Any] | None = None
        self._interrupted = False
        self._previous_handler: SignalHandler = None

    def __enter__(self) -> StepRunner:
        self._previous_handler = signal.signal(signal.SIGINT, self._on_interrupt)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._runner.close()
        finally:
            signal.signal(signal.SIGINT, self._previous_handler)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` to completion on the loop; KeyboardInterrupt if Ctrl+C came meanwhile."""
        if self._interrupted:
            coroutine.close()
            raise KeyboardInterrupt
        try:
            result = self._runner.run(self._tracked(coroutine))
        except asyncio.CancelledError:
            if self._interrupted:
                raise KeyboardInterrupt from None
            raise
        finally:
            self._step = None
        if self._interrupted:
            raise KeyboardInterrupt
        return result

    async def _tracked(self, coroutine: Coroutine[Any, Any, T]) -> T:
        self._step = asyncio.current_task()
        return await coroutine

    def _on_interrupt(self, signum: int, frame: FrameType | None) -> None:
        self._interrupted = True
        if self._step is None:  # between steps (starting or stopping a server): stop right here
            raise KeyboardInterrupt
        self._runner.get_loop().call_soon_threadsafe(self._step.cancel)
