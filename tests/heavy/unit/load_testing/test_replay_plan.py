"""Planning a replay: which connection, which steps, and what each step must get back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from heavy.errors import RecordingError
from heavy.load_testing.replay_plan import load_replay_plan, plan_replay
from heavy.realtime.recording import Direction, SessionRecorder, read_recording

HISTORY = {
    "tagName": "History",
    "eventHandlers": {"onHistoryChangeCallback": {"target": "0:onHistoryChangeCallback"}},
}


def page(count: int) -> dict[str, Any]:
    return {
        "tagName": "",
        "children": [
            HISTORY,
            {
                "tagName": "button",
                "attributes": {"id": "counter-button"},
                "eventHandlers": {"on_click": {"target": "1:on_click"}},
                "children": [f"Clicked {count} times"],
            },
        ],
    }


def update(path: str, model: dict[str, Any]) -> dict[str, Any]:
    return {"type": "layout-update", "path": path, "model": model}


def event(target: str, *data: Any) -> dict[str, Any]:
    return {"type": "layout-event", "target": target, "data": list(data)}


def clicking_session(clicks: int) -> list[tuple[Direction, dict[str, Any]]]:
    messages: list[tuple[Direction, dict[str, Any]]] = [
        ("to_client", update("", {"tagName": "", "children": [HISTORY]})),
        ("to_server", event("0:onHistoryChangeCallback", {"pathname": "/", "search": ""})),
        ("to_client", update("", page(0))),
    ]
    for count in range(1, clicks + 1):
        messages.append(("to_server", event("1:on_click", {"type": "onClick"})))
        messages.append(("to_client", update("/children/1", page(count)["children"][1])))
    return messages


def write_recording(path: Path, *connections: list[tuple[Direction, dict[str, Any]]]) -> Path:
    recorder = SessionRecorder(path)
    try:
        for messages in connections:
            number = recorder.open_connection("/_reactpy/stream", "")
            for direction, payload in messages:
                recorder.record_message(number, direction, payload)
            recorder.close_connection(number)
    finally:
        recorder.close()
    return path


class TestChoosingTheConnection:
    def test_the_one_with_the_most_client_events_by_default(self, tmp_path: Path) -> None:
        path = write_recording(
            tmp_path / "r.jsonl", clicking_session(1), clicking_session(3), clicking_session(2)
        )

        assert load_replay_plan(path).connection == 2

    def test_ties_go_to_the_latest(self, tmp_path: Path) -> None:
        path = write_recording(tmp_path / "r.jsonl", clicking_session(2), clicking_session(2))

        assert load_replay_plan(path).connection == 2

    def test_a_chosen_connection(self, tmp_path: Path) -> None:
        path = write_recording(tmp_path / "r.jsonl", clicking_session(1), clicking_session(3))

        assert load_replay_plan(path, connection=1).connection == 1

    def test_a_connection_that_is_not_there(self, tmp_path: Path) -> None:
        path = write_recording(tmp_path / "r.jsonl", clicking_session(1))

        with pytest.raises(RecordingError, match=r"has no connection 7 \(it has: 1\)"):
            load_replay_plan(path, connection=7)

    def test_a_recording_without_client_events(self, tmp_path: Path) -> None:
        path = write_recording(tmp_path / "r.jsonl", [("to_client", update("", page(0)))])

        with pytest.raises(RecordingError, match="no connection with client events"):
            load_replay_plan(path)


class TestSteps:
    def test_connecting_then_one_step_per_client_event(self, tmp_path: Path) -> None:
        plan = load_replay_plan(write_recording(tmp_path / "r.jsonl", clicking_session(2)))

        assert [step.name for step in plan.steps] == [
            "00 connect /_reactpy/stream",
            "01 onHistoryChangeCallback <History> -> /",
            "02 on_click #counter-button",
            "03 on_click #counter-button",
        ]
        assert plan.steps[0].message is None
        assert plan.steps[2].target == "1:on_click"
        assert plan.client_steps == 3

    def test_each_step_expects_the_parts_its_updates_replaced(self, tmp_path: Path) -> None:
        plan = load_replay_plan(write_recording(tmp_path / "r.jsonl", clicking_session(1)))

        connect, location, click = plan.steps
        assert [part.path for part in connect.expected] == [""]
        assert [part.path for part in location.expected] == [""]
        assert [(part.path, part.label) for part in click.expected] == [("/children/1", "#counter-button")]
        assert click.expected[0].shape.events == ("on_click",)

    def test_an_event_for_a_handler_the_page_did_not_have(self, tmp_path: Path) -> None:
        session = clicking_session(0)
        session.append(("to_server", event("gone:on_click")))

        plan = load_replay_plan(write_recording(tmp_path / "r.jsonl", session))

        assert plan.steps[-1].target_on_page is False
        assert plan.steps[-1].expected == ()

    def test_planning_leaves_the_recording_as_it_was(self, tmp_path: Path) -> None:
        recording = read_recording(write_recording(tmp_path / "r.jsonl", clicking_session(2)))
        messages_before = copy.deepcopy(recording.connections[1].messages)

        first, second = plan_replay(recording), plan_replay(recording)

        assert first.steps == second.steps
        assert recording.connections[1].messages == messages_before


class TestDamagedRecordings:
    @pytest.mark.parametrize(
        ("bad_update", "problem"),
        [
            (update("/children/7", {"tagName": "p"}), "path /children/7 is not a part of the page"),
            (update("/no/such/part", {"tagName": "p"}), "path /no/such/part is not a part of the page"),
            (
                update("/children/1", {"tagName": "p", "eventHandlers": {"on_click": {}}}),
                "event handlers without a string target",
            ),
            (update("/children/1", {"tagName": "p", "children": "text"}), "children that are not a list"),
        ],
    )
    def test_an_update_that_does_not_fit_the_page_names_its_line(
        self, tmp_path: Path, bad_update: dict[str, Any], problem: str
    ) -> None:
        session = clicking_session(1)
        session.append(("to_client", bad_update))  # line 8: after the header, the open and five messages
        path = write_recording(tmp_path / "r.jsonl", session)

        with pytest.raises(RecordingError) as error:
            load_replay_plan(path)

        message = str(error.value)
        assert "\n" not in message
        assert message.startswith(f"{path}:8: ")
        assert problem in message
