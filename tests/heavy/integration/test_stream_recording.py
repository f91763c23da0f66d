"""The recording patch over a real websocket: every message of every connection, only when asked."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from pathlib import Path

import pytest
from reactpy import component, html, use_state

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.load_testing.replay_plan import load_replay_plan
from heavy.load_testing.session_replayer import SessionReplayer, StepResult
from heavy.realtime import reactpy_patches
from heavy.realtime.recording import read_recording
from heavy.realtime.stream_client import StreamClient, StreamClientContext
from heavy.realtime.tab_identity import BROWSER_COOKIE, TAB_QUERY_PARAMETER
from heavy.ui.reactpy_util import heavy_event
from heavy.ui.types import Component
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

_app_numbers = itertools.count()


async def visit_and_click(base_url: str, clicks: int) -> None:
    async with StreamClient.open(base_url, "/") as client:
        await client.wait_for_element("counter-button")
        for count in range(1, clicks + 1):
            await client.click("counter-button")
            await client.wait_for_text("counter-button", f"Clicked {count} times")


@component
def Disclosure() -> Component:
    """A page whose shape follows its state: the details are there only while open."""
    is_open, set_open = use_state(False)
    return html.div(
        html.button(
            {"id": "toggle", "on_click": heavy_event(lambda _: set_open(lambda now: not now))}, "more"
        ),
        html.p({"id": "details"}, "details") if is_open else "",
    )


def open_as_one_browser_tab(base_url: str, tab_id: str, browser_id: str) -> StreamClientContext:
    """A connection that identifies its tab, as the browser's ``heavy_tab.js`` and cookie do."""
    return StreamClient.open(
        base_url,
        query=f"{TAB_QUERY_PARAMETER}={tab_id}",
        headers={"cookie": f"{BROWSER_COOKIE}={browser_id}"},
        with_router=False,
    )


class TestStreamRecording:
    async def test_every_message_of_every_connection_is_recorded(
        self, settings: HeavySettings, tmp_path: Path
    ) -> None:
        path = tmp_path / "session.jsonl"
        app = create_app(settings.model_copy(update={"record_file": path}), name=f"rec_{next(_app_numbers)}")

        async with serve_in_process(app) as base_url:
            await visit_and_click(base_url, clicks=1)
            await visit_and_click(base_url, clicks=2)

        recording = read_recording(path)
        assert set(recording.connections) == {1, 2}
        for connection, clicks in ((recording.connections[1], 1), (recording.connections[2], 2)):
            assert connection.path == "/_reactpy/stream"
            assert connection.closed_at is not None
            assert connection.messages[0].direction == "to_client", "the server speaks first"
            location, *click_events = [message.payload for message in connection.client_messages]
            assert location["data"] == [{"pathname": "/", "search": ""}], "the router's location is recorded"
            assert len(click_events) == clicks
            assert all(
                m.payload["type"] == "layout-update"
                for m in connection.messages
                if m.direction == "to_client"
            )

    async def test_without_the_patch_nothing_is_recorded(
        self, settings: HeavySettings, tmp_path: Path
    ) -> None:
        path = tmp_path / "session.jsonl"
        app = create_app(settings.model_copy(update={"record_file": path}), name=f"rec_{next(_app_numbers)}")
        reactpy_patches.remove_reactpy_patches()
        try:
            async with serve_in_process(app) as base_url:
                await visit_and_click(base_url, clicks=1)
        finally:
            reactpy_patches.apply_reactpy_patches()

        assert read_recording(path).connections == {}, "the recorder was open, but nothing fed it"

    async def test_recorded_tabs_start_fresh_so_a_reloaded_tab_replays(
        self, settings: HeavySettings, tmp_path: Path
    ) -> None:
        path = tmp_path / "reload.jsonl"
        app = create_app(
            settings.model_copy(update={"record_file": path}),
            name=f"rec_{next(_app_numbers)}",
            root=Disclosure,
        )
        tab_id, browser_id = secrets.token_urlsafe(24), secrets.token_urlsafe(32)

        async with serve_in_process(app) as base_url:
            async with open_as_one_browser_tab(base_url, tab_id, browser_id) as client:
                await client.wait_for_element("toggle")
                await client.click("toggle")
                await client.wait_for_element("details")
            async with open_as_one_browser_tab(base_url, tab_id, browser_id) as client:  # a reload
                await client.wait_for_element("toggle")
                assert client.find("details") is None, "recovery would have restored the open details"
                await client.click("toggle")
                await client.wait_for_element("details")

            # A replay is a fresh client without the browser's cookie, as `heavy load-test` runs it.
            plan = load_replay_plan(path, connection=2)
            results: list[StepResult] = []
            replayer = SessionReplayer(plan, base_url, step_timeout=5)
            replayed = await asyncio.to_thread(replayer.play, results.append)

        assert replayed, [result.describe() for result in results if not result.matched]
