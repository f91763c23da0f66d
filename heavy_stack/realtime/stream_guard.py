"""The websocket stream's defence against bad input: every client message is checked before
ReactPy sees it.

ReactPy 1.1.0 trusts its client: a frame that is not JSON, or an event without a ``target``,
raises inside the connection and closes it, and a flood of events starts one task per event.
Here each message is parsed and checked (a ``layout-event`` with a string ``target`` and a list of
``data``), and events beyond a per-connection rate (a token bucket) are dropped. Refused messages
are logged, at most one line per kind per ``LOG_INTERVAL_SECONDS`` per connection, so a hostile
client cannot flood the log either. Frames over ``STREAM_MAX_MESSAGE_BYTES`` are refused by the
websocket layer itself, which closes that connection with code 1009.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

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
    _tokens: float = field(init=False)
    _refilled_at: float = field(init=False, default_factory=time.monotonic)
    _refused: dict[str, int] = field(init=False, default_factory=dict)
    _logged_at: dict[str, float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._tokens = float(self.limits.event_burst)

    def accept(self, raw: Any) -> dict[str, Any] | None:
        """The event to deliver, or None when the message is refused (and logged)."""
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
        if not self._take_token():
            return self._refuse("flood", "events beyond the rate limit (STREAM_MAX_EVENTS_PER_SECOND)")
        return {"type": "layout-event", "target": target, "data": data}

    def _take_token(self) -> bool:
        now = time.monotonic()
        self._tokens = min(
            float(self.limits.event_burst),
            self._tokens + (now - self._refilled_at) * self.limits.max_events_per_second,
        )
        self._refilled_at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True

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
