"""The websocket stream's defence against bad input: every client message is checked before
ReactPy sees it.

ReactPy 1.1.0 trusts its client: a frame that is not JSON, or an event without a ``target``,
raises inside the connection and closes it, a flood of events starts one task per event, and an
event for a handler the page does not have logs a line every time. Here each message is parsed and
checked (a ``layout-event`` with a string ``target`` and a list of ``data``), events beyond a
per-connection rate (a token bucket) are dropped, and so are events for handlers the page does
not have. Refused messages are logged, at most one line per kind per ``LOG_INTERVAL_SECONDS`` per
connection, so a hostile client cannot flood the log either. Frames over
``STREAM_MAX_MESSAGE_BYTES`` are refused by the websocket layer itself, which closes that
connection with code 1009 without a word; :func:`log_if_closed_for_size` says why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

import orjson
from websockets.frames import CloseCode

from heavy.realtime.token_bucket import TokenBucket

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 10.0
MAX_TARGET_LENGTH = 200


@dataclass
class StreamLimits:
    max_events_per_second: float = 50.0
    event_burst: int = 100


@dataclass(slots=True)  # one per open connection: keep it small
class StreamGuard:
    """Checks the messages of one connection."""

    limits: StreamLimits = field(default_factory=StreamLimits)
    _bucket: TokenBucket = field(init=False)
    _refused: dict[str, int] = field(init=False, default_factory=dict)
    _logged_at: dict[str, float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._bucket = TokenBucket(self.limits.max_events_per_second, self.limits.event_burst)

    def accept(self, raw: Any, targets: Container[str]) -> dict[str, Any] | None:
        """The event to deliver, or None when the message is refused (and logged).

        ``targets`` are the ids of the page's current event handlers: an event for any other
        target would only make ReactPy log a line of its own, on every such event.
        """
        if isinstance(raw, str | bytes):
            try:
                message = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return self._refuse("malformed", "a message that is not JSON")
        else:
            message = raw
        if not isinstance(message, dict):
            return self._refuse("malformed", "a message that is not a JSON object")
        if message.get("type") != "layout-event":
            return self._refuse(
                "unknown-type", f"a message of unknown type {str(message.get('type'))[:40]!r}"
            )
        target, data = message.get("target"), message.get("data")
        if (
            not isinstance(target, str)
            or not 0 < len(target) <= MAX_TARGET_LENGTH
            or not isinstance(data, list)
        ):
            return self._refuse("malformed-event", "an event without a valid target and data list")
        if not self._bucket.take():
            return self._refuse("flood", "events beyond the rate limit (STREAM_MAX_EVENTS_PER_SECOND)")
        if target not in targets:
            return self._refuse("unknown-target", "an event for a handler the page does not have")
        return {"type": "layout-event", "target": target, "data": data}

    def _refuse(self, kind: str, description: str) -> dict[str, Any] | None:
        self._refused[kind] = self._refused.get(kind, 0) + 1
        now = time.monotonic()
        if now - self._logged_at.get(kind, -LOG_INTERVAL_SECONDS) >= LOG_INTERVAL_SECONDS:
            logger.warning(
                "stream: dropped %s (%d so far on this connection)", description, self._refused[kind]
            )
            self._logged_at[kind] = now
        return None  # typed like accept(), so that accept() can return this

    @property
    def refused(self) -> dict[str, int]:
        return dict(self._refused)


def log_if_closed_for_size(socket: Any) -> None:
    """Log why the websocket layer closed ``socket`` if it was a frame over the size cap (code 1009).

    Sanic's websocket (``ws_proto`` is its ``websockets`` protocol) closes the connection by itself
    and the handler only sees itself cancelled, so without this nothing says why a client lost it.
    """
    close = getattr(getattr(socket, "ws_proto", None), "close_sent", None)
    if close is not None and close.code == CloseCode.MESSAGE_TOO_BIG:
        logger.warning(
            "stream: closed a connection with code 1009: %s (the cap is STREAM_MAX_MESSAGE_BYTES)",
            close.reason,
        )
