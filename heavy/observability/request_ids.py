"""The id of the request (or stream connection) being handled, for every log line it causes.

Each request gets an id: the client's (or proxy's) ``X-Request-ID`` when it is a sensible token,
else a fresh one. It is put in a context variable as the request arrives, before routing, so
anything logged while handling it - including from tasks it starts, which copy the context -
carries the id, and it is echoed in the response for a user to quote. A websocket connection is
one long request: its handshake's id names every line of the connection (ReactPy's stream
handler binds it again in ``realtime/reactpy_patches.py``, so a layout served without this app's
signal is named too).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from typing import Any

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

REQUEST_ID_HEADER = "X-Request-ID"
_CLIENT_ID_SHAPE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")  # anything else could forge log fields

request_id_var: ContextVar[str | None] = ContextVar("heavy_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request or stream connection this code runs for (None outside of one)."""
    return request_id_var.get()


def request_id_of(request: Request) -> str:
    """``request``'s id, chosen once: the client's ``X-Request-ID`` if well-formed, else a new one."""
    request_id: str | None = getattr(request.ctx, "request_id", None)
    if request_id is None:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _CLIENT_ID_SHAPE.match(offered) else uuid.uuid4().hex
        request.ctx.request_id = request_id
    return request_id


def bind_request_id(request: Request) -> str:
    """Make ``request``'s id the current one (in this task and the tasks it starts from now on)."""
    request_id = request_id_of(request)
    request_id_var.set(request_id)
    return request_id


def register_request_ids(app: Sanic[Any, Any]) -> None:
    """Bind each request's id as it arrives (before routing, so errors are named too) and echo it."""

    async def bind_arriving_request(request: Request) -> None:
        bind_request_id(request)

    async def echo_request_id(request: Request, response: BaseHTTPResponse) -> None:
        response.headers[REQUEST_ID_HEADER] = request_id_of(request)

    app.signal("http.lifecycle.request")(bind_arriving_request)
    app.register_middleware(echo_request_id, "response")
