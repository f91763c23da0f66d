"""``heavy run`` serves the page, the websocket stream, static files and the health check."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from heavy.realtime.stream_client import StreamClient
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow


class TestHttp:
    def test_landing_page_is_the_reactpy_page_with_the_dev_title(self, live_server: ServerProcess) -> None:
        response = httpx.get(f"{live_server.base_url}/")

        assert response.status_code == 200
        assert "<title>Heavy Stack [DEV]</title>" in response.text
        assert '<div id="app"></div>' in response.text
        assert "/_reactpy/assets/" in response.text

    def test_health_check_reports_both_databases(self, live_server: ServerProcess) -> None:
        response = httpx.get(f"{live_server.base_url}/healthz")

        assert response.status_code == 200
        body = response.json()
        assert isinstance(body.pop("worker"), int)  # the pid of the process that answered
        assert body == {
            "status": "ok",
            "database": "ok",
            "vector_database": "ok",
            "vector_search": "on",
            "live_updates": "listening",
            "environment": "DEV",
        }

    def test_static_files_are_served(self, live_server: ServerProcess) -> None:
        response = httpx.get(f"{live_server.base_url}/static/css/common.css")

        assert response.status_code == 200
        assert "text/css" in response.headers["content-type"]

    def test_any_other_path_serves_the_page_for_the_router(self, live_server: ServerProcess) -> None:
        assert httpx.get(f"{live_server.base_url}/other").status_code == 200


class TestStream:
    async def test_first_message_is_the_whole_layout(self, live_server: ServerProcess) -> None:
        async with StreamClient.open(live_server.base_url) as client:
            assert client.updates_received >= 1
            await client.wait_for_element("counter-button")

            assert client.text_of("counter-button") == "Clicked 0 times"

    async def test_a_click_round_trip_changes_state(self, live_server: ServerProcess) -> None:
        async with StreamClient.open(live_server.base_url) as client:
            await client.wait_for_element("counter-button")

            for expected in (1, 2, 3):
                await client.click("counter-button")
                await client.wait_for_text("counter-button", f"Clicked {expected} times")

    async def test_each_connection_has_its_own_state(self, live_server: ServerProcess) -> None:
        async with (
            StreamClient.open(live_server.base_url) as first,
            StreamClient.open(live_server.base_url) as second,
        ):
            await first.wait_for_element("counter-button")
            await first.click("counter-button")
            await first.wait_for_text("counter-button", "Clicked 1 times")

            await second.wait_for_element("counter-button")
            assert second.text_of("counter-button") == "Clicked 0 times"

    async def test_the_router_serves_the_other_page(self, live_server: ServerProcess) -> None:
        async with StreamClient.open(live_server.base_url, "/other") as client:
            await client.wait_for_element("to-landing-page")

            assert client.text_of("to-landing-page") == "Back to the landing page"

    async def test_fifty_simultaneous_connections_clicking_concurrently_all_render(
        self, live_server: ServerProcess
    ) -> None:
        clicks = 10

        async def one_visitor() -> str:
            async with StreamClient.open(live_server.base_url) as client:
                await client.wait_for_element("counter-button")
                await asyncio.gather(*(client.click("counter-button") for _ in range(clicks)))
                await client.wait_for_text("counter-button", f"Clicked {clicks} times")
                return client.text_of("counter-button")

        results = await asyncio.gather(*(one_visitor() for _ in range(50)))

        assert results == [f"Clicked {clicks} times"] * 50
