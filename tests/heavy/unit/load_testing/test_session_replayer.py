"""The replaying client's checks, on a page it already holds (the socket is a stand-in: no server needed)."""

from __future__ import annotations

from typing import Any

import orjson

from heavy.load_testing.page_shape import shape_of
from heavy.load_testing.replay_plan import ExpectedPart, ReplayStep
from heavy.load_testing.session_replayer import Outcome, _LivePage, websocket_url

BUTTON = {
    "tagName": "button",
    "attributes": {"id": "counter-button"},
    "eventHandlers": {"on_click": {"target": "0:on_click"}},
    "children": ["Clicked 0 times"],
}


class ScriptedSocket:
    """Answers each receive with the next scripted server message and records what is sent."""

    def __init__(self, *messages: dict[str, Any]) -> None:
        self.to_receive = [orjson.dumps(message).decode() for message in messages]
        self.sent: list[str] = []

    def send(self, text: str) -> None:
        self.sent.append(text)

    def settimeout(self, timeout: float) -> None:
        pass

    def recv(self) -> str:
        return self.to_receive.pop(0)


def click_step(target: str = "0:on_click", text: str = "Clicked 1 times") -> ReplayStep:
    expected = ExpectedPart(
        path="/children/0", shape=shape_of({**BUTTON, "children": [text]}), label="#counter-button"
    )
    return ReplayStep(
        number=2,
        name="02 on_click #counter-button",
        message={"type": "layout-event", "target": target, "data": [{"type": "onClick"}]},
        target_on_page=True,
        expected=(expected,),
    )


def page_with(socket: ScriptedSocket) -> _LivePage:
    page = _LivePage(socket)  # type: ignore[arg-type]
    page.model = {"tagName": "", "children": [BUTTON]}
    return page


class TestPlayStep:
    def test_sends_the_recorded_message_and_matches_the_update(self) -> None:
        socket = ScriptedSocket(
            {
                "type": "layout-update",
                "path": "/children/0",
                "model": {**BUTTON, "children": ["Clicked 1 times"]},
            }
        )

        result = page_with(socket).play_step(click_step(), timeout=5)

        assert result.outcome is Outcome.MATCHED
        assert orjson.loads(socket.sent[0])["target"] == "0:on_click"
        assert result.response_length > 0

    def test_a_handler_the_page_does_not_have_is_a_mismatch_and_nothing_is_sent(self) -> None:
        socket = ScriptedSocket()

        result = page_with(socket).play_step(click_step(target="9:on_click"), timeout=5)

        assert result.outcome is Outcome.MISMATCH
        assert (
            result.failure == "the page has no handler '9:on_click': it changed since the recording was made"
        )
        assert socket.sent == []

    def test_a_part_that_failed_to_render_is_a_mismatch(self) -> None:
        socket = ScriptedSocket(
            {"type": "layout-update", "path": "/children/0", "model": {"tagName": "", "error": ""}}
        )

        result = page_with(socket).play_step(click_step(), timeout=5)

        assert result.outcome is Outcome.MISMATCH
        assert result.failure == "the server failed to render the part at /children/0"

    def test_an_update_to_a_part_the_page_does_not_have_is_a_mismatch(self) -> None:
        socket = ScriptedSocket({"type": "layout-update", "path": "/children/5/children/0", "model": BUTTON})

        result = page_with(socket).play_step(click_step(), timeout=5)

        assert result.outcome is Outcome.MISMATCH
        assert "/children/5/children/0, which this page does not have" in str(result.failure)

    def test_no_update_in_time_is_a_timeout_naming_the_part(self) -> None:
        result = page_with(ScriptedSocket()).await_step(click_step(), started=0.0, timeout=0.001)

        assert result.outcome is Outcome.TIMEOUT
        assert result.failure == "no update to #counter-button within 0.001 s"


class TestWebsocketUrl:
    def test_follows_the_scheme_of_the_host(self) -> None:
        assert (
            websocket_url("http://127.0.0.1:8000/", "/_reactpy/stream")
            == "ws://127.0.0.1:8000/_reactpy/stream"
        )
        assert (
            websocket_url("https://example.com", "/_reactpy/stream/a?b=1")
            == "wss://example.com/_reactpy/stream/a?b=1"
        )
