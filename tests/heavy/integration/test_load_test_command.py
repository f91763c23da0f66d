"""``heavy load-test`` refuses what it cannot replay with one line and a non-zero exit, before any load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from reactpy import component, html, use_state

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.realtime.stream_client import StreamClient
from heavy.ui.reactpy_util import heavy_event
from heavy.ui.types import Component
from tests.heavy.integration.test_cli_errors import assert_one_line_error, run_heavy
from tests.support.servers import ServerProcess, free_port, serve_in_process

pytestmark = pytest.mark.slow

DEMO_RECORDING = Path(__file__).parents[2] / "heavy_stack" / "load_testing" / "landing_page_session.jsonl"


@component
def AnotherApp() -> Component:
    count, set_count = use_state(0)
    return html.section(
        html.h1("Not the landing page"),
        html.button({"id": "plus", "on_click": heavy_event(lambda _: set_count(count + 1))}, f"{count}"),
    )


@pytest.fixture
async def recording_of_another_app(settings: HeavySettings, tmp_path: Path) -> Path:
    """A real recording, made on an app whose page is not the demo app's."""
    path = tmp_path / "another-app.jsonl"
    app = create_app(settings.model_copy(update={"record_file": path}), name="another_app", root=AnotherApp)
    async with serve_in_process(app) as base_url, StreamClient.open(base_url, with_router=False) as client:
        await client.wait_for_element("plus")
        await client.click("plus")
        await client.wait_for_text("plus", "1")
    return path


def load_test(tmp_path: Path, *arguments: str) -> list[str]:
    return ["load-test", "--duration", "1", "--report-dir", str(tmp_path / "report"), *arguments]


class TestHeavyLoadTestRefusesBadInput:
    def test_a_missing_recording(self, tmp_path: Path, live_server: ServerProcess) -> None:
        missing = tmp_path / "nowhere.jsonl"

        result = run_heavy(
            load_test(tmp_path, "--recording", str(missing), "--host", live_server.base_url), {}, tmp_path
        )

        assert_one_line_error(result, f"no recording at {missing}", "heavy record")
        assert result.returncode == 2

    def test_a_file_that_is_not_a_recording(self, tmp_path: Path, live_server: ServerProcess) -> None:
        notes = tmp_path / "notes.jsonl"
        notes.write_text('{"hello": "world"}\n')

        result = run_heavy(
            load_test(tmp_path, "--recording", str(notes), "--host", live_server.base_url), {}, tmp_path
        )

        assert_one_line_error(result, str(notes), "is not a Heavy recording")
        assert result.returncode == 2

    def test_a_recording_of_an_incompatible_page(
        self, tmp_path: Path, live_server: ServerProcess, recording_of_another_app: Path
    ) -> None:
        arguments = ["--recording", str(recording_of_another_app), "--host", live_server.base_url]

        result = run_heavy(load_test(tmp_path, *arguments, "--step-timeout", "2"), {}, tmp_path)

        assert_one_line_error(
            result,
            f"{recording_of_another_app} does not replay against {live_server.base_url}",
            "step '00 connect /_reactpy/stream'",
            "differs from the recording",
            "record the session again",
        )
        assert result.returncode == 2
        assert not (tmp_path / "report").exists(), "no load test was started"

    def test_an_app_that_is_not_running(self, tmp_path: Path) -> None:
        host = f"http://127.0.0.1:{free_port()}"

        result = run_heavy(
            load_test(tmp_path, "--recording", str(DEMO_RECORDING), "--host", host), {}, tmp_path
        )

        assert_one_line_error(
            result, f"cannot open {host.replace('http', 'ws')}/_reactpy/stream", "heavy run"
        )
        assert result.returncode == 1

    def test_no_recording_given_and_none_recorded(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "data"

        result = run_heavy(load_test(tmp_path), {"HEAVY_STACK_DATA_DIR": str(data_dir)}, tmp_path)

        assert_one_line_error(result, f"none in {data_dir / 'recordings'}", "heavy record")
        assert result.returncode == 2

    def test_a_connection_the_recording_does_not_have(self, tmp_path: Path) -> None:
        result = run_heavy(
            load_test(tmp_path, "--recording", str(DEMO_RECORDING), "--connection", "9"), {}, tmp_path
        )

        assert_one_line_error(result, "has no connection 9 (it has: 1)")
        assert result.returncode == 2

    @pytest.mark.parametrize(
        ("damage", "problem"),
        [
            (lambda payload: payload.pop("model"), "the layout-update has no model object"),
            (
                lambda payload: payload.update(path="/children/9"),
                "the layout-update's path /children/9 is not a part of the page",
            ),
        ],
        ids=["update-without-model", "update-at-a-bad-path"],
    )
    def test_a_recording_with_a_damaged_message(
        self, tmp_path: Path, damage: Callable[[dict[str, Any]], object], problem: str
    ) -> None:
        lines = DEMO_RECORDING.read_bytes().splitlines(keepends=True)
        record = orjson.loads(lines[3])  # line 4: the second update of the landing page
        damage(record["payload"])
        lines[3] = orjson.dumps(record) + b"\n"
        damaged = tmp_path / "damaged.jsonl"
        damaged.write_bytes(b"".join(lines))

        result = run_heavy(load_test(tmp_path, "--recording", str(damaged)), {}, tmp_path)

        assert_one_line_error(result, f"{damaged}:4: {problem}", "damaged")
        assert result.returncode == 2

    def test_help_describes_every_option(self, tmp_path: Path) -> None:
        result = run_heavy(["load-test", "--help"], {}, tmp_path)

        assert result.returncode == 0
        for option in (
            "--recording", "--host", "--users", "--spawn-rate", "--duration", "--connection", "--think-time",
            "--step-timeout", "--report-dir", "--max-p95-ms", "--max-error-rate", "--web",
        ):  # fmt: skip
            assert option in result.stdout
