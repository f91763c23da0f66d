"""Is a request from one of our own pages? Guards form posts and the websocket stream against
cross-site use (login CSRF, cross-site websocket hijacking).

CORS settings play no part here: CORS lets other origins read API responses, it must never let
them post forms or open the stream on a user's behalf.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sanic import Request


def request_origin(request: Request) -> str:
    """The origin the app is served at, as the browser sees it (proxy headers respected by Sanic)."""
    return f"{request.scheme.replace('ws', 'http')}://{request.host}"


def is_same_origin(request: Request) -> bool:
    """True when the browser says the request comes from our own origin.

    Browsers send ``Origin`` on every POST and websocket handshake; a request without it (curl,
    a test client) is not a browser acting on a user's behalf, so it is allowed.
    """
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if referer is None:
            return True
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return origin == request_origin(request)
