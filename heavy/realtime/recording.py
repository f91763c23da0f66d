"""Session recordings: every message of every stream connection, appended to a JSON Lines file.

A recording is what ``heavy record`` (or ``HEAVY_STACK_RECORD_FILE``) writes and what
``heavy load-test`` replays. Format version 1, one JSON object per line, UTF-8::

    {"format": "heavy-recording", "version": 1, "started_at": "2025-11-26T13:00:00+00:00"}
    {"kind": "open", "connection": 1, "timestamp": 1764162000.1, "path": "/_reactpy/stream", "query": ""}
    {"kind": "message", "connection": 1, "timestamp": 1764162000.2, "direction": "to_client", "payload": {}}
    {"kind": "message", "connection": 1, "timestamp": 1764162000.3, "direction": "to_server", "payload": {}}
    {"kind": "close", "connection": 1, "timestamp": 1764162009.9}

``timestamp`` is seconds since the Unix epoch; ``payload`` is the ReactPy message: a
``layout-update`` as sent to the client, or a ``layout-event`` as the server accepted it (after the
stream guard, so only ``type``, ``target`` and ``data``; refused messages are not recorded). Each
line is written with one ``write`` and no buffering, so a crash or Ctrl+C loses at most the line
being written, and readers skip such a truncated last line. Starting again on an existing
recording appends to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, cast

import orjson

from heavy.errors import RecordingError

if TYPE_CHECKING:
    from sanic import Sanic

logger = logging.getLogger(__name__)

FORMAT_NAME = "heavy-recording"
FORMAT_VERSION = 1

Direction = Literal["to_server", "to_client"]
DIRECTIONS: tuple[Direction, ...] = ("to_server", "to_client")
_KINDS = frozenset({"open", "message", "close"})
_MAKE_ONE = "make one with `heavy record`"


@dataclass(frozen=True)
class RecordedMessage:
    timestamp: float
    direction: Direction
    payload: dict[str, Any]
    line: int
    """Its line in the recording file, for messages about it."""


@dataclass
class RecordedConnection:
    """One websocket connection: where it connected and what went each way, in order."""

    id: int
    path: str
    query: str
    opened_at: float
    messages: list[RecordedMessage] = field(default_factory=list)
    closed_at: float | None = None

    @property
    def client_messages(self) -> list[RecordedMessage]:
        return [message for message in self.messages if message.direction == "to_server"]

    @property
    def url_path(self) -> str:
        """The stream path with its query string, as the browser asked for it."""
        return f"{self.path}?{self.query}" if self.query else self.path


@dataclass(frozen=True)
class Recording:
    path: Path
    header: dict[str, Any]
    connections: dict[int, RecordedConnection]


def read_recording(path: Path) -> Recording:
    """Parse a recording, or raise RecordingError with one line naming the file and the problem."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise RecordingError(f"no recording at {path}; {_MAKE_ONE}") from None
    except IsADirectoryError:
        raise RecordingError(f"{path} is a folder, not a recording file") from None
    except OSError as error:
        raise RecordingError(f"cannot read {path}: {error.strerror}") from None
    header, records = _parse(content, path)
    connections: dict[int, RecordedConnection] = {}
    for line_number, record in records:
        connection_id = record["connection"]
        if record["kind"] == "open":
            connections[connection_id] = RecordedConnection(
                id=connection_id,
                path=str(record.get("path", "")),
                query=str(record.get("query", "")),
                opened_at=record["timestamp"],
            )
            continue
        connection = connections.get(connection_id)
        if connection is None:
            raise RecordingError(f"{path}:{line_number}: connection {connection_id} was never opened")
        if record["kind"] == "close":
            connection.closed_at = record["timestamp"]
        else:
            connection.messages.append(
                RecordedMessage(record["timestamp"], record["direction"], record["payload"], line_number)
            )
    return Recording(path=path, header=header, connections=connections)


def _parse(content: bytes, path: Path) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    """The header and the validated records with their line numbers (a truncated last line is dropped)."""
    lines = content.split(b"\n")
    if not content.strip():
        raise RecordingError(f"{path} is empty, not a Heavy recording; {_MAKE_ONE}")
    if not content.endswith(b"\n") and len(lines) > 1:
        lines.pop()  # an unfinished last line: the process stopped while writing it
    elif content.endswith(b"\n"):
        lines.pop()  # the empty string after the final newline
    header = _header(lines[0], path)  # a file of one line without a newline is checked as a header
    records = []
    for line_number, line in enumerate(lines[1:], start=2):
        problem = None
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            problem = "not JSON"
        else:
            problem = _record_problem(record)
        if problem is not None:
            raise RecordingError(f"{path}:{line_number}: {problem}; the recording is damaged")
        records.append((line_number, record))
    return header, records


def _header(line: bytes, path: Path) -> dict[str, Any]:
    try:
        header = orjson.loads(line)
    except orjson.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise RecordingError(
            f"{path} is not a Heavy recording (its first line is not a {FORMAT_NAME!r} header); " + _MAKE_ONE
        )
    if header.get("version") != FORMAT_VERSION:
        raise RecordingError(
            f"{path} is a version {header.get('version')!r} recording; this runtime reads version "
            f"{FORMAT_VERSION}: record it again with `heavy record`"
        )
    return cast(dict[str, Any], header)


def _record_problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("kind") not in _KINDS:
        return f"unknown kind {record.get('kind')!r}"
    if not isinstance(record.get("connection"), int):
        return "no connection number"
    if not isinstance(record.get("timestamp"), int | float):
        return "no timestamp"
    if record["kind"] == "message":
        if record.get("direction") not in DIRECTIONS:
            return f"direction must be one of {', '.join(DIRECTIONS)}"
        if not isinstance(record.get("payload"), dict):
            return "the payload is not a JSON object"
        return _payload_problem(record["direction"], record["payload"])
    return None


def _payload_problem(direction: Direction, payload: dict[str, Any]) -> str | None:
    """What a replay could not use in a message (it would fail far from the cause otherwise)."""
    if direction == "to_server":
        if (
            payload.get("type") != "layout-event"
            or not isinstance(payload.get("target"), str)
            or not isinstance(payload.get("data"), list)
        ):
            return "a client message must be a layout-event with a string target and a data list"
        return None
    if payload.get("type") != "layout-update":
        return None  # replays only read layout-updates
    update_path = payload.get("path")
    if not isinstance(update_path, str) or not (update_path == "" or update_path.startswith("/")):
        return f"the layout-update's path {update_path!r} is not a JSON pointer such as /children/0"
    if not isinstance(payload.get("model"), dict):
        return "the layout-update has no model object"
    return None


class SessionRecorder:
    """Appends stream traffic to a recording file as it happens.

    One recorder per file at a time: it holds an exclusive lock on the file, so a second process
    (another worker) recording into it fails at start instead of interleaving connection numbers.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO = path.open("a+b", buffering=0)
        self._failed = False
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise RecordingError(
                f"another process is recording into {path}; recording needs a single worker"
            ) from None
        try:
            last_connection = self._prepare_for_appending()
        except BaseException:
            self._file.close()
            raise
        self._connection_numbers = itertools.count(last_connection + 1)
        self._open_connections: set[int] = set()

    def _prepare_for_appending(self) -> int:
        """Write the header into a new file, or check an existing one; the highest connection number."""
        self._file.seek(0)
        content = self._file.read()
        records = _parse(content, self.path)[1] if content else []  # refuses a non-recording untouched
        if not content.endswith(b"\n"):  # a line cut short by a crash: drop it, keep the rest
            content = content[: content.rfind(b"\n") + 1]
            os.ftruncate(self._file.fileno(), len(content))
        if not content:  # a new file, or one whose header line was cut short of its newline
            self._write(
                {
                    "format": FORMAT_NAME,
                    "version": FORMAT_VERSION,
                    "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
            return 0
        return max((record["connection"] for _, record in records), default=0)

    def open_connection(self, path: str, query: str) -> int:
        """Start recording a connection to ``path`` (the stream URL path); returns its number."""
        connection = next(self._connection_numbers)
        self._open_connections.add(connection)
        self._write(
            {"kind": "open", "connection": connection, "timestamp": time.time(), "path": path, "query": query}
        )
        return connection

    def record_message(self, connection: int, direction: Direction, payload: Any) -> None:
        self._write(
            {
                "kind": "message",
                "connection": connection,
                "timestamp": time.time(),
                "direction": direction,
                "payload": payload,
            }
        )

    def close_connection(self, connection: int) -> None:
        if connection in self._open_connections:
            self._open_connections.discard(connection)
            self._write({"kind": "close", "connection": connection, "timestamp": time.time()})

    def close(self) -> None:
        """Close the file; connections still open (the server is stopping) are closed in it first."""
        for connection in sorted(self._open_connections):
            self.close_connection(connection)
        self._file.close()

    def _write(self, record: dict[str, Any]) -> None:
        if self._failed or self._file.closed:
            return
        try:
            self._file.write(_dumps(record) + b"\n")  # one unbuffered write per line
        except OSError:
            # The app keeps serving; the recording ends here, complete up to the last line.
            self._failed = True
            logger.exception("recording into %s stopped", self.path)


def _dumps(record: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # something orjson refuses but ReactPy's json.dumps sent anyway
        return json.dumps(record, default=repr).encode()


_RECORDER_ATTRIBUTE = "stream_recorder"


def record_streams(app: Sanic[Any, Any], path: Path) -> None:
    """Record every stream connection ``app`` serves into ``path``, from server start to stop.

    The recorder sits on ``app.ctx``; the hook that feeds it is a ReactPy patch
    (``realtime/reactpy_patches.py``), which costs nothing for apps that do not record.
    ``create_app`` leaves state recovery out of an app that records: recorded tabs start fresh,
    as replays do.
    """

    async def start_recording(app: Sanic[Any, Any]) -> None:
        setattr(app.ctx, _RECORDER_ATTRIBUTE, SessionRecorder(path))
        logger.info("recording every stream connection into %s (state recovery is off while recording)", path)

    async def stop_recording(app: Sanic[Any, Any]) -> None:
        recorder = recorder_of(app)
        if recorder is not None:
            recorder.close()
            setattr(app.ctx, _RECORDER_ATTRIBUTE, None)

    app.register_listener(start_recording, "before_server_start")
    app.register_listener(stop_recording, "after_server_stop")


def recorder_of(app: Any) -> SessionRecorder | None:
    """The recorder of a Sanic app, or None when it does not record."""
    with contextlib.suppress(AttributeError):
        recorder = getattr(app.ctx, _RECORDER_ATTRIBUTE, None)
        if isinstance(recorder, SessionRecorder):
            return recorder
    return None
