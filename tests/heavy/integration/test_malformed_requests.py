"""Malformed requests get a 4xx with a message naming the problem, and log no error or traceback
(``backend/request_guard.py``); well-formed ones are untouched."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

_app_numbers = itertools.count()
_FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def base_url(settings: HeavySettings) -> AsyncIterator[str]:
    async with serve_in_process(create_app(settings, name=f"malformed_{next(_app_numbers)}")) as url:
        yield url


MALFORMED: dict[str, tuple[str, str, dict[str, Any], int, str]] = {
    # name: (method, path, request options, status, words of the message)
    "a NUL in the sign-up email": (
        "POST",
        "/auth/signup",
        {"content": b"email=a%00b@example.com&password=long+enough+password&display_name=Ada"},
        400,
        "form field 'email' contains a NUL character",
    ),
    "a NUL in the login email": (
        "POST",
        "/auth/login",
        {"content": b"email=ada@example.com%00&password=long+enough+password"},
        400,
        "form field 'email' contains a NUL character",
    ),
    "a form that is not UTF-8": (
        "POST",
        "/auth/login",
        {"content": b"email=\xff\xfe@example.com&password=x"},
        400,
        "the form is not UTF-8",
    ),
    "a multipart form without a boundary": (
        "POST",
        "/auth/login",
        {"content": b"email=a", "headers": {"content-type": "multipart/form-data"}},
        400,
        "needs a boundary",
    ),
    "'..' in an asset path": ("GET", "/_reactpy/assets/..%2f..", {}, 404, "a '..' segment"),
    "'..' in a module path": ("GET", "/_reactpy/modules/..%2f..", {}, 404, "a '..' segment"),
    "a NUL in a module path": ("GET", "/_reactpy/modules/%00", {}, 400, "a NUL character"),
    "the static folder": ("GET", "/static/", {}, 404, "folders are not listed"),
    "a folder under static": ("GET", "/static/css/", {}, 404, "folders are not listed"),
    "a missing asset": ("GET", "/_reactpy/assets/no-such-file.js", {}, 404, "no such file"),
}


class TestMalformedRequests:
    @pytest.mark.parametrize("name", list(MALFORMED))
    async def test_get_a_4xx_naming_the_problem_and_log_no_error(
        self, base_url: str, name: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        method, path, options, status, words = MALFORMED[name]
        if method == "POST":
            options = {**options, "headers": {"content-type": _FORM, **options.get("headers", {})}}

        with caplog.at_level(logging.INFO):
            async with httpx.AsyncClient(base_url=base_url) as client:
                response = await client.request(method, path, **options)

        assert response.status_code == status, response.text
        assert words in response.json()["message"]
        errors = [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
        assert errors == []

    async def test_a_well_formed_login_still_reaches_the_handler(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as client:
            response = await client.post(
                "/auth/login", data={"email": "nobody@example.com", "password": "not the password"}
            )

        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?error=")

    async def test_a_file_under_static_is_still_served(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as client:
            response = await client.get("/static/favicon.svg")

        assert response.status_code == 200
