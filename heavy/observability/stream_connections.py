"""What a stream (websocket) connection tells its operators: its id on every log line it causes,
a line when it opens and when it closes (with ``HEAVY_STACK_ACCESS_LOG``, like HTTP access lines),
and a span per event when tracing is on.

ReactPy's stream handler calls :func:`observe_connection` from ``realtime/reactpy_patches.py``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sanic import Request

from heavy.observability.request_ids import bind_request_id
from heavy.observability.tracing import DeliverEvent, connection_tracer, trace_event_delivery

logger = logging.getLogger("heavy.stream")


class ObservedConnection:
    """One stream connection: ``deliver`` is what the event loop calls; ``closed()`` at the end."""

    __slots__ = ("_log_access", "_started", "deliver", "request")  # one per open connection: keep it small

    def __init__(self, request: Request | None, deliver: DeliverEvent, handler_name: Callable[[str], str]):
        self.request = request
        self.deliver = deliver
        self._started = time.monotonic()
        self._log_access = False
        if request is None:
            return  # a layout served by something else: nothing to name it by
        connection_id = bind_request_id(request)
        settings = getattr(request.app.ctx, "settings", None)
        self._log_access = bool(settings is not None and settings.access_log)
        if self._log_access:
            logger.info("stream opened %s", request.path)
        tracer = connection_tracer(request)
        if tracer is not None:
            self.deliver = trace_event_delivery(tracer, deliver, handler_name, connection_id)

    def closed(self) -> None:
        if self._log_access and self.request is not None:
            logger.info("stream closed %s after %.1f s", self.request.path, time.monotonic() - self._started)


def observe_connection(
    request: Request | None, deliver: DeliverEvent, handler_name: Callable[[str], str]
) -> ObservedConnection:
    """Start observing a connection: bind its id, log it, and trace its events if tracing is on."""
    return ObservedConnection(request, deliver, handler_name)
