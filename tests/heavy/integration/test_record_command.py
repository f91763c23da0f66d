"""``heavy record``: a scripted visitor's session is recorded, and the new recording replays."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from heavy.config import env_prefix
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.load_testing.replay_plan import load_replay_plan
from heavy.load_testing.session_replayer import SessionReplayer, StepResult
from heavy.realtime.recording import read_recording
from heavy.realtime.stream_client import StreamClient
from tests.heavy.integration.test_cli_errors import assert_one_line_error, run_heavy
from tests.support.servers import heavy_server

pytestmark = pytest.mark.slow


class TestHeavyRecord:
    async def test_a_scripted_session_is_recorded_and_replays_on_a_new_server(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        """Recorded and replayed on a database of its own: what the landing page shows as it opens
        (the stored texts' count) must be the same in both, whatever other tests stored meanwhile."""
        data_dir = tmp_path / "data"
        env = {**server_env, f"{env_prefix()}DATA_DIR": str(data_dir)}
        out = tmp_path / "clicks.jsonl"
        try:
            with heavy_server(["record", "--out", str(out)], env, tmp_path / "record.log") as recorder:
                async with StreamClient.open(recorder.base_url, "/") as client:
                    await client.wait_for_element("counter-button")
                    for count in (1, 2):
                        await client.click("counter-button")
                        await client.wait_for_text("counter-button", f"Clicked {count} times")
                exit_code = recorder.stop(signal.SIGINT)

            output = recorder.log_path.read_text()
            assert exit_code == 0, output
            assert f"recording every stream connection into {out}" in output
            assert "recorded 1 connection(s) with 3 client event(s)" in output
            plan = load_replay_plan(out)
            assert [step.name for step in plan.steps][-2:] == [
                "02 on_click #counter-button",
                "03 on_click #counter-button",
            ]

            results: list[StepResult] = []
            with heavy_server(["run"], env, tmp_path / "replay.log") as server:
                assert SessionReplayer(plan, server.base_url, step_timeout=10).play(results.append), [
                    (result.step.name, result.failure) for result in results
                ]
        finally:
            stop_embedded_postgres(data_dir)
        assert [result.step.name for result in results if result.matched] == [
            step.name for step in plan.steps
        ]

    async def test_a_killed_recorder_leaves_a_readable_recording_with_every_message(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        out = tmp_path / "crash.jsonl"
        with heavy_server(["record", "--out", str(out)], server_env, tmp_path / "record.log") as recorder:
            async with StreamClient.open(recorder.base_url, "/") as client:
                await client.wait_for_element("counter-button")
                await client.click("counter-button")
                await client.wait_for_text("counter-button", "Clicked 1 times")
                recorder.stop(signal.SIGKILL)  # no shutdown code runs

        [connection] = read_recording(out).connections.values()
        assert len(connection.client_messages) == 2, "the location and the click"
        assert connection.messages[-1].payload["type"] == "layout-update", "the answer to the click too"
        assert connection.closed_at is None

    def test_refuses_to_append_to_a_file_that_is_not_a_recording(self, tmp_path: Path) -> None:
        notes = tmp_path / "notes.txt"
        notes.write_text("keep me\n")

        result = run_heavy(["record", "--out", str(notes)], {}, tmp_path)

        assert_one_line_error(result, "is not a Heavy recording")
        assert result.returncode == 2
        assert notes.read_text() == "keep me\n"

    def test_a_second_run_appends_to_the_same_recording(
        self, server_env: dict[str, str], tmp_path: Path
    ) -> None:
        out = tmp_path / "twice.jsonl"
        for attempt in (1, 2):
            with heavy_server(
                ["record", "--out", str(out)], server_env, tmp_path / f"{attempt}.log"
            ) as recorder:
                assert recorder.stop(signal.SIGINT) == 0

        assert read_recording(out).connections == {}
        assert out.read_text().count('"format"') == 1, "one header, whatever the number of runs"


class TestHeavyRunWithARecordFile:
    def test_refuses_several_workers(self, tmp_path: Path) -> None:
        env = {"HEAVY_STACK_RECORD_FILE": str(tmp_path / "session.jsonl")}

        result = run_heavy(["run", "--workers", "2"], env, tmp_path)

        assert_one_line_error(result, "recording (HEAVY_STACK_RECORD_FILE) needs one worker")
        assert result.returncode == 2
