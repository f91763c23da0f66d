"""Replays a planned session over one websocket: connect, play each step, check it, disconnect.

Blocking code on ``websocket-client``: under Locust, gevent makes its socket calls cooperative, so
hundreds of replays share one process; in ``heavy load-test``'s preflight and in tests it is plain
blocking I/O. Each step is reported (name, time until matched, bytes received, failure) to a
callback; the first failure ends the session, since later steps would only repeat it.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
import websocket

from heavy.load_testing.page_shape import (
    covers,
    first_difference,
    handler_targets,
    node_at,
    shape_of,
)
from heavy.load_testing.replay_plan import ExpectedPart, ReplayPlan, ReplayStep
from heavy.realtime.stream_client import Model, apply_layout_update

DEFAULT_STEP_TIMEOUT = 10.0


class Outcome(StrEnum):
    MATCHED = "matched"
    UNREACHABLE = "unreachable"
    """The websocket could not be opened."""
    MISMATCH = "mismatch"
    """The page is not the recorded one: a handler is missing or a part rendered differently."""
    TIMEOUT = "timeout"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True)
class StepResult:
    step: ReplayStep
    outcome: Outcome
    response_time_ms: float
    response_length: int
    failure: str | None = None
    """One line saying what went wrong; the same text for the same problem (reports group by it)."""

    @property
    def matched(self) -> bool:
        return self.outcome is Outcome.MATCHED

    def describe(self) -> str:
        return f"step {self.step.name!r}: {self.failure or self.outcome.value}"


def jittered(think_time: float) -> float:
    """A pause of ``think_time`` on average, between half and one and a half times it."""
    return random.uniform(0.5 * think_time, 1.5 * think_time)


def websocket_url(base_url: str, url_path: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base.removeprefix("https://") + url_path
    return "ws://" + base.removeprefix("http://") + url_path


class SessionReplayer:
    """Plays ``plan`` against the app at ``base_url`` (``http://host:port``)."""

    def __init__(
        self,
        plan: ReplayPlan,
        base_url: str,
        *,
        step_timeout: float = DEFAULT_STEP_TIMEOUT,
        think: Callable[[], None] | None = None,
    ) -> None:
        self.plan = plan
        self.url = websocket_url(base_url, plan.url_path)
        self.step_timeout = step_timeout
        self.think = think or (lambda: None)

    def play(self, report: Callable[[StepResult], None]) -> bool:
        """One session: connect, every step, disconnect. True when every step matched."""
        connect_step, *client_steps = self.plan.steps
        started = time.perf_counter()
        try:
            socket = websocket.create_connection(self.url, timeout=self.step_timeout)
        except (OSError, websocket.WebSocketException) as error:
            report(
                StepResult(
                    connect_step,
                    Outcome.UNREACHABLE,
                    _ms_since(started),
                    0,
                    f"cannot open {self.url}: {_reason(error)}",
                )
            )
            return False
        page = _LivePage(socket)
        try:
            result = page.await_step(connect_step, started, self.step_timeout)
            report(result)
            for index, step in enumerate(client_steps):
                if not result.matched:
                    return False
                if index > 0:  # the browser reports its location at once; a person pauses between clicks
                    self.think()
                result = page.play_step(step, self.step_timeout)
                report(result)
            return result.matched
        finally:
            _hang_up(socket)


def _hang_up(socket: websocket.WebSocket) -> None:
    """Send a close frame and drop the connection, without waiting for the server's answer.

    Not ``WebSocket.close()``: it waits for the answer inside a bare ``except:``, which swallows
    the GreenletExit Locust uses to stop a user, so a user stopped there would never stop.
    """
    with contextlib.suppress(OSError, websocket.WebSocketException):
        if socket.connected:
            socket.send_close()
    socket.shutdown()  # type: ignore[no-untyped-call]


class _LivePage:
    """The replaying client's copy of the page, kept current from the server's updates."""

    def __init__(self, socket: websocket.WebSocket) -> None:
        self.socket = socket
        self.model: Model = {}
        self.updated_paths: list[str] = []
        self.bytes_received = 0

    def play_step(self, step: ReplayStep, timeout: float) -> StepResult:
        started = time.perf_counter()
        if step.target_on_page and step.target not in handler_targets(self.model):
            return StepResult(
                step,
                Outcome.MISMATCH,
                0.0,
                0,
                f"the page has no handler {step.target!r}: it changed since the recording was made",
            )
        self.updated_paths.clear()
        self.bytes_received = 0
        try:
            self.socket.send(orjson.dumps(step.message).decode())
        except (OSError, websocket.WebSocketException) as error:
            return StepResult(
                step, Outcome.DISCONNECTED, _ms_since(started), 0, f"send failed: {_reason(error)}"
            )
        return self.await_step(step, started, timeout)

    def await_step(self, step: ReplayStep, started: float, timeout: float) -> StepResult:
        """Receive updates until the step's expected parts are matched, the server fails, or time is up."""
        deadline = started + timeout
        while not all(self._matched(part) for part in step.expected):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return self._result(step, started, Outcome.TIMEOUT, self._timeout_failure(step, timeout))
            try:
                failure = self._receive(remaining)
            except websocket.WebSocketTimeoutException:
                continue
            except (OSError, websocket.WebSocketException) as error:
                return self._result(step, started, Outcome.DISCONNECTED, f"connection lost: {_reason(error)}")
            if failure is not None:
                return self._result(step, started, Outcome.MISMATCH, failure)
        return self._result(step, started, Outcome.MATCHED, None)

    def _receive(self, timeout: float) -> str | None:
        """Apply the next server message; a failure text if the server could not render a part."""
        self.socket.settimeout(timeout)
        raw = self.socket.recv()
        self.bytes_received += len(raw)
        message: dict[str, Any] = orjson.loads(raw)
        if message.get("type") != "layout-update":
            return None
        path = str(message.get("path", ""))
        if path and node_at(self.model, path) is None:
            return f"the server updated {path}, which this page does not have"
        apply_layout_update(self.model, message)
        self.updated_paths.append(path)
        if _failed_to_render(message["model"]):
            return f"the server failed to render the part at {path or '/'}"
        return None

    def _matched(self, part: ExpectedPart) -> bool:
        if not any(covers(updated, part.path) for updated in self.updated_paths):
            return False
        node = node_at(self.model, part.path)
        return node is not None and shape_of(node) == part.shape

    def _timeout_failure(self, step: ReplayStep, timeout: float) -> str:
        for part in step.expected:
            if self._matched(part):
                continue
            if not any(covers(updated, part.path) for updated in self.updated_paths):
                return f"no update to {part.label} within {timeout:g} s"
            node = node_at(self.model, part.path)
            if node is None:
                return f"{part.label} is not on the page"
            difference = first_difference(part.shape, shape_of(node))
            return f"{part.label} differs from the recording: {difference}"
        return f"not matched within {timeout:g} s"

    def _result(self, step: ReplayStep, started: float, outcome: Outcome, failure: str | None) -> StepResult:
        return StepResult(step, outcome, _ms_since(started), self.bytes_received, failure)


def _failed_to_render(model: Any) -> bool:
    """ReactPy replaces a component that raised while rendering by ``{"tagName": "", "error": ...}``."""
    if not isinstance(model, dict):
        return False
    return "error" in model or any(_failed_to_render(child) for child in model.get("children", ()))


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__
