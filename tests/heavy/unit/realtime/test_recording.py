"""The recording format: written line by line, read back, and refused with one line when it is not one."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from heavy.config import load_settings
from heavy.errors import RecordingError
from heavy.realtime.recording import FORMAT_NAME, FORMAT_VERSION, SessionRecorder, read_recording

UPDATE = {"type": "layout-update", "path": "", "model": {"tagName": "div"}}
EVENT = {"type": "layout-event", "target": "0:on_click", "data": [{"type": "onClick"}]}


def record_one_click(path: Path) -> int:
    recorder = SessionRecorder(path)
    try:
        connection = recorder.open_connection("/_reactpy/stream/other", "a=1")
        recorder.record_message(connection, "to_client", UPDATE)
        recorder.record_message(connection, "to_server", EVENT)
        recorder.close_connection(connection)
    finally:
        recorder.close()
    return connection


def assert_one_line(error: pytest.ExceptionInfo[RecordingError], *fragments: str) -> None:
    message = str(error.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


class TestSessionRecorder:
    def test_writes_a_header_then_one_json_line_per_event(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"

        record_one_click(path)

        lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
        assert lines[0]["format"] == FORMAT_NAME
        assert lines[0]["version"] == FORMAT_VERSION
        assert [line["kind"] for line in lines[1:]] == ["open", "message", "message", "close"]
        assert lines[1]["path"] == "/_reactpy/stream/other"
        assert [line.get("direction") for line in lines[2:4]] == ["to_client", "to_server"]
        assert lines[3]["payload"] == EVENT
        assert all(isinstance(line["timestamp"], float) for line in lines[1:])

    def test_each_line_is_on_disk_as_soon_as_it_is_recorded(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        recorder = SessionRecorder(path)
        try:
            connection = recorder.open_connection("/_reactpy/stream", "")
            recorder.record_message(connection, "to_server", EVENT)

            recording = read_recording(path)  # read while the recorder is still open

            assert recording.connections[connection].client_messages[0].payload == EVENT
        finally:
            recorder.close()

    def test_starting_again_appends_with_new_connection_numbers(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"

        first = record_one_click(path)
        second = record_one_click(path)

        assert (first, second) == (1, 2)
        assert set(read_recording(path).connections) == {1, 2}

    def test_a_line_cut_short_by_a_crash_is_dropped_when_recording_resumes(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        record_one_click(path)
        with path.open("ab") as file:
            file.write(b'{"kind": "message", "connection": 1, "timest')

        record_one_click(path)

        recording = read_recording(path)
        assert set(recording.connections) == {1, 2}
        assert all(len(connection.messages) == 2 for connection in recording.connections.values())

    def test_refuses_to_append_to_a_file_that_is_not_a_recording(self, tmp_path: Path) -> None:
        path = tmp_path / "notes.txt"
        path.write_text("my notes\n")

        with pytest.raises(RecordingError) as error:
            SessionRecorder(path)

        assert_one_line(error, "not a Heavy recording")
        assert path.read_text() == "my notes\n", "nothing is lost"

    def test_refuses_a_one_line_file_without_a_newline_and_leaves_it_alone(self, tmp_path: Path) -> None:
        path = tmp_path / "data.json"
        path.write_bytes(b'{"a": 1}')

        with pytest.raises(RecordingError) as error:
            SessionRecorder(path)

        assert_one_line(error, "not a Heavy recording")
        assert path.read_bytes() == b'{"a": 1}', "nothing is lost"

    def test_a_header_cut_short_of_its_newline_is_written_again(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        path.write_bytes(orjson.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION}))

        record_one_click(path)

        assert [message.payload for message in read_recording(path).connections[1].messages] == [
            UPDATE,
            EVENT,
        ]

    def test_a_second_recorder_on_the_same_file_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        recorder = SessionRecorder(path)
        try:
            with pytest.raises(RecordingError) as error:
                SessionRecorder(path)
        finally:
            recorder.close()

        assert_one_line(error, "another process is recording", "single worker")


class TestReadRecording:
    def test_groups_messages_by_connection_in_order(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        record_one_click(path)

        connection = read_recording(path).connections[1]

        assert connection.url_path == "/_reactpy/stream/other?a=1"
        assert [message.direction for message in connection.messages] == ["to_client", "to_server"]
        assert connection.closed_at is not None

    def test_a_truncated_last_line_is_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        record_one_click(path)
        with path.open("ab") as file:
            file.write(b'{"kind": "mess')

        assert len(read_recording(path).connections[1].messages) == 2

    def test_a_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(RecordingError) as error:
            read_recording(tmp_path / "nowhere.jsonl")

        assert_one_line(error, "no recording at", "nowhere.jsonl", "heavy record")

    @pytest.mark.parametrize(
        "content",
        [b"", b"hello\n", b'{"some": "json"}\n', b"\x89PNG\r\n\x1a\n\x00\x00", b'[{"connection_id": "x"}]\n'],
        ids=["empty", "text", "other-json", "binary", "original-stack-format"],
    )
    def test_a_file_that_is_not_a_recording(self, tmp_path: Path, content: bytes) -> None:
        path = tmp_path / "file.jsonl"
        path.write_bytes(content)

        with pytest.raises(RecordingError) as error:
            read_recording(path)

        assert_one_line(error, str(path), "not a Heavy recording", "heavy record")

    @pytest.mark.parametrize(
        "content", [b'{"a":1}', b"\x89PNG\x00\x01\x02", b"hello"], ids=["json", "binary", "text"]
    )
    def test_a_one_line_file_without_a_newline_is_not_called_empty(
        self, tmp_path: Path, content: bytes
    ) -> None:
        path = tmp_path / "file.jsonl"
        path.write_bytes(content)

        with pytest.raises(RecordingError) as error:
            read_recording(path)

        assert_one_line(error, f"{path} is not a Heavy recording", "heavy record")
        assert "empty" not in str(error.value)

    def test_an_empty_file_is_called_empty(self, tmp_path: Path) -> None:
        path = tmp_path / "file.jsonl"
        path.write_bytes(b"")

        with pytest.raises(RecordingError) as error:
            read_recording(path)

        assert_one_line(error, f"{path} is empty")

    @pytest.mark.parametrize(
        ("direction", "payload", "problem"),
        [
            ("to_client", {"type": "layout-update", "path": ""}, "the layout-update has no model object"),
            ("to_client", {"type": "layout-update", "model": {}}, "path None is not a JSON pointer"),
            (
                "to_client",
                {"type": "layout-update", "path": "children/0", "model": {}},
                "is not a JSON pointer",
            ),
            ("to_server", {"type": "layout-event", "data": []}, "a client message must be a layout-event"),
            (
                "to_server",
                {"type": "layout-event", "target": "0:on_click"},
                "with a string target and a data list",
            ),
            (
                "to_server",
                {"type": "reboot", "target": "x", "data": []},
                "a client message must be a layout-event",
            ),
        ],
    )
    def test_a_message_a_replay_cannot_use_names_its_line(
        self, tmp_path: Path, direction: str, payload: dict[str, object], problem: str
    ) -> None:
        path = tmp_path / "session.jsonl"
        record_one_click(path)
        lines = path.read_bytes().splitlines(keepends=True)
        bad = {
            "kind": "message",
            "connection": 1,
            "timestamp": 1.0,
            "direction": direction,
            "payload": payload,
        }
        lines.insert(3, orjson.dumps(bad) + b"\n")
        path.write_bytes(b"".join(lines))

        with pytest.raises(RecordingError) as error:
            read_recording(path)

        assert_one_line(error, f"{path}:4: ", problem, "damaged")

    def test_a_recording_of_another_format_version(self, tmp_path: Path) -> None:
        path = tmp_path / "future.jsonl"
        path.write_bytes(orjson.dumps({"format": FORMAT_NAME, "version": 99}) + b"\n")

        with pytest.raises(RecordingError) as error:
            read_recording(path)

        assert_one_line(error, "version 99", f"reads version {FORMAT_VERSION}")

    def test_a_damaged_line_in_the_middle_names_its_line_number(self, tmp_path: Path) -> None:
        path = tmp_path / "session.jsonl"
        record_one_click(path)
        lines = path.read_bytes().splitlines(keepends=True)
        lines.insert(2, b'{"kind": "message", "connection": 1}\n')
        path.write_bytes(b"".join(lines))

        with pytest.raises(RecordingError) as error:
            read_recording(path)

        assert_one_line(error, f"{path}:3", "damaged")


class TestRecordFileSetting:
    def test_is_read_from_the_environment(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("HEAVY_STACK_RECORD_FILE", str(tmp_path / "session.jsonl"))

        assert load_settings(_env_file=None).record_file == tmp_path / "session.jsonl"

    def test_is_off_by_default_and_when_blank(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert load_settings(_env_file=None).record_file is None
        monkeypatch.setenv("HEAVY_STACK_RECORD_FILE", "  ")

        assert load_settings(_env_file=None).record_file is None
