"""CORS over real HTTP: off by default, exactly the configured origins, and never a way around
the same-origin checks on form posts and the stream."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from heavy.app_factory import CORS_PREFLIGHT_MAX_AGE_SECONDS, create_app
from heavy.config import HeavySettings
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

ALLOWED = "https://app.example.com"
OTHER = "https://evil.example"
_app_numbers = itertools.count()


@asynccontextmanager
async def served(settings: HeavySettings, cors_header: str) -> AsyncIterator[httpx.AsyncClient]:
    app_settings = settings.model_copy(update={"cors_header": cors_header})
    app = create_app(app_settings, name=f"cors_{next(_app_numbers)}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


class TestCorsHeaders:
    async def test_cors_is_off_by_default(self, settings: HeavySettings) -> None:
        async with served(settings, "") as http:
            response = await http.get("/healthz", headers={"origin": ALLOWED})

        assert response.status_code == 200
        assert "access-control-allow-origin" not in response.headers

    async def test_an_allowed_origin_may_read_responses(self, settings: HeavySettings) -> None:
        async with served(settings, ALLOWED) as http:
            response = await http.get("/healthz", headers={"origin": ALLOWED})

        assert response.headers["access-control-allow-origin"] == ALLOWED

    async def test_another_origin_gets_no_cors_header(self, settings: HeavySettings) -> None:
        async with served(settings, ALLOWED) as http:
            response = await http.get("/healthz", headers={"origin": OTHER})

        assert "access-control-allow-origin" not in response.headers

    async def test_preflight_has_a_real_max_age_and_no_none_values(self, settings: HeavySettings) -> None:
        async with served(settings, ALLOWED) as http:
            response = await http.options(
                "/auth/me",
                headers={"origin": ALLOWED, "access-control-request-method": "GET"},
            )

        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == ALLOWED
        assert response.headers["access-control-max-age"] == str(CORS_PREFLIGHT_MAX_AGE_SECONDS)
        assert "None" not in response.headers.values()


class TestCorsNeverAllowsCrossSiteUse:
    @pytest.mark.parametrize("cors_header", ["*", ALLOWED])
    async def test_a_cross_origin_login_post_is_refused(
        self, settings: HeavySettings, cors_header: str
    ) -> None:
        async with served(settings, cors_header) as http:
            response = await http.post(
                "/auth/login",
                data={"email": "ada@example.com", "password": "a perfectly fine password"},
                headers={"origin": ALLOWED},
            )

        assert response.status_code == 403

    @pytest.mark.parametrize("cors_header", ["*", ALLOWED])
    async def test_a_cross_origin_websocket_handshake_is_refused(
        self, settings: HeavySettings, cors_header: str
    ) -> None:
        async with served(settings, cors_header) as http:
            stream = str(http.base_url).rstrip("/").replace("http://", "ws://") + "/_reactpy/stream"

            with pytest.raises(InvalidStatus) as refused:
                await connect(stream, additional_headers={"origin": ALLOWED})

        assert refused.value.response.status_code == 403
