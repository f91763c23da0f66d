"""Pages give the browser its HttpOnly id; the key of a tab's state depends on browser, user and tab."""

from __future__ import annotations

from http.cookies import SimpleCookie

import httpx
import pytest

from heavy.realtime.tab_identity import BROWSER_COOKIE, is_valid_id, state_key
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow


class TestBrowserCookie:
    async def test_a_page_sets_an_httponly_browser_id_once(self, live_server: ServerProcess) -> None:
        async with httpx.AsyncClient(base_url=live_server.base_url) as http:
            first = await http.get("/")
            again = await http.get("/other")  # the client sends the cookie back now

        cookie = SimpleCookie(first.headers["set-cookie"])[BROWSER_COOKIE]
        assert is_valid_id(cookie.value)
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert "set-cookie" not in again.headers

    async def test_static_files_and_the_api_set_no_cookie(self, live_server: ServerProcess) -> None:
        async with httpx.AsyncClient(base_url=live_server.base_url) as http:
            for path in ("/static/css/common.css", "/healthz", "/auth/me"):
                assert "set-cookie" not in (await http.get(path)).headers


def test_the_state_key_changes_with_browser_user_and_tab() -> None:
    secret = b"k" * 32
    base = {"browser_id": "b" * 43, "user_key": "anonymous", "tab_id": "t" * 32}

    key = state_key(secret, **base)

    assert key == state_key(secret, **base)
    for field, other in (("browser_id", "c" * 43), ("user_key", "some-user-id"), ("tab_id", "u" * 32)):
        assert state_key(secret, **{**base, field: other}) != key
    assert state_key(b"x" * 32, **base) != key
