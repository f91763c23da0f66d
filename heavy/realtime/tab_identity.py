"""Which tab a websocket belongs to, and the key its UI state is kept under.

Each tab makes itself a random id, keeps it in ``sessionStorage`` (so it survives reloads of that
tab and nothing else; only while no page of the tab is open, so a duplicated tab makes its own)
and adds it to the stream URL (``heavy/static/js/heavy_tab.js``). The id alone
is not enough to claim state: the storage key is an HMAC over the tab id, a random per-browser
cookie (HttpOnly, so scripts cannot read it) and the signed-in user. Another browser lacks the
cookie; another user (after logout) has another id; either way the key differs and the tab
starts fresh.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any
from urllib.parse import parse_qs

from sanic import Request
from sanic.response import BaseHTTPResponse

from heavy.web.api_requests import request_user

TAB_QUERY_PARAMETER = "heavy_tab"
BROWSER_COOKIE = "heavy_browser"
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def is_valid_id(value: str | None) -> bool:
    return value is not None and bool(_ID_SHAPE.match(value))


def tab_id_of(request: Request) -> str | None:
    # Parsed here rather than through ``request.args``, which would keep a parsed copy of the query
    # for as long as the connection stays open (about 250 bytes per open tab).
    tab_ids = parse_qs(request.query_string).get(TAB_QUERY_PARAMETER)
    tab_id = tab_ids[0] if tab_ids else None
    return tab_id if is_valid_id(tab_id) else None


def browser_id_of(request: Request) -> str | None:
    browser_id = request.cookies.get(BROWSER_COOKIE)
    return browser_id if is_valid_id(browser_id) else None


def state_key(signing_key: bytes, *, browser_id: str, user_key: str, tab_id: str) -> str:
    message = "\x00".join((browser_id, user_key, tab_id)).encode()
    return hmac.new(signing_key, message, hashlib.sha256).hexdigest()


def state_key_for(request: Request, signing_key: bytes) -> str | None:
    """The storage key of this connection's tab, or None when the browser did not identify itself."""
    tab_id, browser_id = tab_id_of(request), browser_id_of(request)
    if tab_id is None or browser_id is None:
        return None
    user = request_user(request.ctx)
    user_key = str(user.id) if user.is_authenticated else "anonymous"
    return state_key(signing_key, browser_id=browser_id, user_key=user_key, tab_id=tab_id)


def give_browser_an_id(request: Request, response: BaseHTTPResponse, *, secure: bool) -> None:
    """Response middleware: a page served to a browser without the cookie sets one."""
    content_type = str(response.content_type or response.headers.get("content-type", ""))
    if browser_id_of(request) is not None or not content_type.startswith("text/html"):
        return
    response.add_cookie(
        BROWSER_COOKIE,
        secrets.token_urlsafe(32),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure,
        max_age=BROWSER_COOKIE_MAX_AGE,
    )


def connection_request(layout_root: Any) -> Request | None:
    """The Sanic request of a layout served by ReactPy's Sanic backend (None for other carriers)."""
    value = getattr(layout_root, "value", None)
    request = getattr(getattr(value, "carrier", None), "request", None)
    return request if isinstance(request, Request) else None
