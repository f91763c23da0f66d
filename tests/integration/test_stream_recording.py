"""The recording patch over a real websocket: every message of every connection, only when asked."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from heavy_stack.app_factory import create_app
from heavy_stack.config import Settings
from heavy_stack.realtime import reactpy_patches
from heavy_stack.realtime.recording import read_recording
from heavy_stack.realtime.stream_client import StreamClient
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

_app_numbers = itertools.count()


async def visit_and_click(base_url: str, clicks: int) -> None:
    async with StreamClient.open(base_url, "/") as client:
        await client.wait_for_element("counter-button")
        for count in range(1, clicks + 1):
            await client.click("counter-button")
            await client.wait_for_text("counter-button", f"Clicked {count} times")


class TestStreamRecording:
    async def test_every_message_of_every_connection_is_recorded(
        self, settings: Settings, tmp_path: Path
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

    async def test_without_the_patch_nothing_is_recorded(self, settings: Settings, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        app = create_app(settings.model_copy(update={"record_file": path}), name=f"rec_{next(_app_numbers)}")
        reactpy_patches.remove_reactpy_patches()
        try:
            async with serve_in_process(app) as base_url:
                await visit_and_click(base_url, clicks=1)
        finally:
            reactpy_patches.apply_reactpy_patches()

        assert read_recording(path).connections == {}, "the recorder was open, but nothing fed it"
