"""Turn one recorded connection into replay steps: what to send, and which server updates must follow.

A step is one message the client sent, plus the updates the server sent after it and before the
client's next message (step 0 is connecting, with the updates sent before the client's first
message). A step is *matched* on replay when, for every part of the page those recorded updates
replaced, an update to that part (or to a part containing it) has arrived since the step's message
was sent, and the part then has the recorded shape (``page_shape``: the same elements, ids and
event handlers; text, other attributes and keyed rows are not compared).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heavy.errors import RecordingError
from heavy.load_testing.page_shape import (
    ElementShape,
    describe_lineage,
    describe_part,
    find_handler,
    node_at,
    shape_of,
)
from heavy.realtime.recording import RecordedConnection, RecordedMessage, Recording, read_recording
from heavy.realtime.stream_client import Model, apply_layout_update, walk


@dataclass(frozen=True)
class ExpectedPart:
    """A part of the page a step's recorded updates replaced, and its shape afterwards."""

    path: str
    shape: ElementShape
    label: str


@dataclass(frozen=True)
class ReplayStep:
    number: int
    name: str
    """The step's name in reports: ``03 on_click #counter-button``."""
    message: dict[str, Any] | None
    """What the client sends (None for step 0, connecting)."""
    target_on_page: bool
    """Whether the recorded page had a handler for ``message``'s target when it was sent."""
    expected: tuple[ExpectedPart, ...]

    @property
    def target(self) -> str | None:
        return None if self.message is None else self.message.get("target")


@dataclass(frozen=True)
class ReplayPlan:
    recording: Path
    connection: int
    url_path: str
    steps: tuple[ReplayStep, ...]

    @property
    def client_steps(self) -> int:
        return len(self.steps) - 1


def load_replay_plan(path: Path, connection: int | None = None) -> ReplayPlan:
    """Read ``path`` and plan the replay of ``connection`` (default: the one with most client events)."""
    return plan_replay(read_recording(path), connection)


def plan_replay(recording: Recording, connection: int | None = None) -> ReplayPlan:
    """The steps of ``connection``; RecordingError naming the file and line of an update that does
    not fit the page recorded before it (a damaged or hand-edited recording)."""
    chosen = choose_connection(recording, connection)
    return ReplayPlan(
        recording=recording.path,
        connection=chosen.id,
        url_path=chosen.url_path,
        steps=tuple(_steps(chosen, recording.path)),
    )


def choose_connection(recording: Recording, connection: int | None = None) -> RecordedConnection:
    """The connection to replay: ``connection`` if given, else the one with the most client events.

    Ties go to the latest connection (the last thing the person recording did).
    """
    if connection is not None:
        chosen = recording.connections.get(connection)
        if chosen is None:
            numbers = ", ".join(str(number) for number in recording.connections) or "none"
            raise RecordingError(f"{recording.path} has no connection {connection} (it has: {numbers})")
        if not chosen.client_messages:
            raise RecordingError(f"connection {connection} of {recording.path} has no client events")
        return chosen
    candidates = [candidate for candidate in recording.connections.values() if candidate.client_messages]
    if not candidates:
        raise RecordingError(
            f"{recording.path} has no connection with client events: "
            "open the app and click through it while `heavy record` runs"
        )
    return max(candidates, key=lambda candidate: (len(candidate.client_messages), candidate.id))


def _steps(connection: RecordedConnection, recording: Path) -> list[ReplayStep]:
    model: Model = {}
    groups: list[tuple[RecordedMessage | None, list[RecordedMessage]]] = [(None, [])]
    for message in connection.messages:
        if message.direction == "to_server":
            groups.append((message, []))
        elif message.payload.get("type") == "layout-update":
            groups[-1][1].append(message)

    steps = []
    for number, (client_message, updates) in enumerate(groups):
        if client_message is None:
            name, on_page = f"{number:02d} connect {connection.url_path}", True
        else:
            name, on_page = _describe_event(number, client_message.payload, model)
        for update in updates:
            problem = _update_problem(model, update.payload)
            if problem is not None:
                raise RecordingError(f"{recording}:{update.line}: {problem}; the recording is damaged")
            # a copy: the model is patched in place and must not alter the recording
            apply_layout_update(model, {**update.payload, "model": copy.deepcopy(update.payload["model"])})
        steps.append(
            ReplayStep(
                number=number,
                name=name,
                message=None if client_message is None else client_message.payload,
                target_on_page=on_page,
                expected=_expected_parts(model, [update.payload for update in updates]),
            )
        )
    return steps


def _update_problem(model: Model, update: dict[str, Any]) -> str | None:
    """Why ``update`` cannot apply to the page recorded so far, or None.

    ``read_recording`` checked the message's form (a JSON pointer ``path``, a ``model`` object);
    here the path must name a part the page has, and the model must be elements a replay can read.
    """
    path = str(update["path"])
    if path and node_at(model, path) is None:
        return f"the layout-update's path {path} is not a part of the page recorded before it"
    for element in walk(update["model"]):
        if not isinstance(element.get("children", []), list):
            return "the layout-update's model has children that are not a list"
        handlers = element.get("eventHandlers", {})
        if not isinstance(handlers, dict) or not all(
            isinstance(handler, dict) and isinstance(handler.get("target"), str)
            for handler in handlers.values()
        ):
            return "the layout-update's model has event handlers without a string target"
        if not isinstance(element.get("attributes", {}), dict):
            return "the layout-update's model has attributes that are not an object"
    return None


def _expected_parts(model: Model, updates: list[dict[str, Any]]) -> tuple[ExpectedPart, ...]:
    parts = []
    for path in dict.fromkeys(str(update["path"]) for update in updates):  # distinct, in order
        node = node_at(model, path)
        if node is not None:
            parts.append(ExpectedPart(path=path, shape=shape_of(node), label=describe_part(node)))
    return tuple(parts)


def _describe_event(number: int, message: dict[str, Any], model: Model) -> tuple[str, bool]:
    """The step's report name and whether its target was on the recorded page."""
    target = str(message.get("target", ""))
    found = find_handler(model, target)
    if found is None:
        return f"{number:02d} {message.get('type', 'message')} to a handler not on the page", False
    event, lineage = found
    name = f"{number:02d} {event} {describe_lineage(lineage)}"
    data = message.get("data")
    first = data[0] if isinstance(data, list) and data else None
    if isinstance(first, dict) and isinstance(first.get("pathname"), str):  # a router location
        name += f" -> {first['pathname']}"
    return name, True
