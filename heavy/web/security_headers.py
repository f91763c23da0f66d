"""Security headers on every HTTP response, and refusal of cross-site websocket handshakes."""

from __future__ import annotations

from typing import Any

from sanic import Request, Sanic
from sanic.exceptions import Forbidden
from sanic.response import BaseHTTPResponse

from heavy.config import HeavySettings
from heavy.web.same_origin import is_same_origin

STREAM_PREFIX = "/_reactpy/stream"

BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PRODUCTION_HEADERS = {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}


def register_security_headers(app: Sanic[Any, Any], settings: HeavySettings) -> None:
    headers = BASE_HEADERS if settings.is_dev else {**BASE_HEADERS, **PRODUCTION_HEADERS}

    async def refuse_cross_site_stream(request: Request) -> None:
        if request.path.startswith(STREAM_PREFIX) and not is_same_origin(request):
            raise Forbidden("cross-site websocket connections are not allowed")

    async def add_headers(request: Request, response: BaseHTTPResponse) -> None:
        for name, value in headers.items():
            response.headers.setdefault(name, value)

    app.register_middleware(refuse_cross_site_stream, "request")
    app.register_middleware(add_headers, "response")
