"""The profile summary reads py-spy's collapsed stacks: self time by package, Heavy Stack inclusive."""

from __future__ import annotations

from pathlib import Path

from bench.profiling import package_of, short_path, summarise

VENV = "/project/.venv/lib/python3.11/site-packages"
STDLIB = "/usr/lib/python3.11"
LOOP = f"<module> ({STDLIB}/runpy.py:88);_run_server_forever ({VENV}/sanic/server/runners.py:290)"


def write_stacks(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "stacks.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


class TestSummarise:
    def test_self_time_goes_to_the_innermost_frames_package(self, tmp_path: Path) -> None:
        stacks = write_stacks(
            tmp_path,
            [
                f"{LOOP};execute ({VENV}/sqlalchemy/engine/base.py:1412) 30",
                f"{LOOP};run_with_context (/project/heavy/ui/reactpy_util.py:95) 10",
                f"{LOOP};send ({STDLIB}/asyncio/selector_events.py:1100) 60",
            ],
        )

        summary = summarise(stacks)

        assert summary.samples == 100
        assert dict(summary.self_by_package) == {
            "python (stdlib, asyncio)": 0.6,
            "sqlalchemy": 0.3,
            "heavy": 0.1,
        }
        assert summary.top_self_functions[0] == ("send (asyncio/selector_events.py)", 0.6)

    def test_the_projects_functions_are_counted_inclusively_once_per_stack(self, tmp_path: Path) -> None:
        context = "open_heavy_context (/project/heavy/web/api_requests.py:41)"
        handler = "run_with_context (/project/heavy/ui/reactpy_util.py:95)"
        stacks = write_stacks(
            tmp_path,
            [
                f"{LOOP};{handler};{context};close ({VENV}/sqlalchemy/orm/session.py:2500) 3",
                f"{LOOP};{handler};{handler};get_user ({VENV}/sqlalchemy/orm/session.py:10) 1",  # recursion
                f"{LOOP};write ({STDLIB}/asyncio/selector_events.py:1) 4",
            ],
        )

        inclusive = dict(summarise(stacks).heavy_stack_inclusive)

        assert inclusive == {
            "run_with_context (heavy/ui/reactpy_util.py)": 0.5,
            "open_heavy_context (heavy/web/api_requests.py)": 0.375,
        }

    def test_a_profile_without_samples_has_no_shares(self, tmp_path: Path) -> None:
        summary = summarise(write_stacks(tmp_path, []))

        assert summary.samples == 0
        assert summary.self_by_package == []


class TestFramePaths:
    def test_installed_packages_are_named_by_their_top_folder(self) -> None:
        assert package_of(f"{VENV}/reactpy/core/layout.py") == "reactpy"
        assert short_path(f"{VENV}/reactpy/core/layout.py") == "reactpy/core/layout.py"

    def test_the_standard_library_keeps_its_module_path(self) -> None:
        assert package_of(f"{STDLIB}/asyncio/tasks.py") == "python (stdlib, asyncio)"
        assert short_path(f"{STDLIB}/asyncio/tasks.py") == "asyncio/tasks.py"

    def test_project_code_is_named_from_the_package_down(self) -> None:
        assert package_of("/anywhere/heavy_stack/backend/embeddings.py") == "heavy_stack"
        assert package_of("/anywhere/heavy/web/api_requests.py") == "heavy"
        assert short_path("/anywhere/heavy/web/api_requests.py") == "heavy/web/api_requests.py"
        assert short_path("/anywhere/bench/servers/echo.py") == "bench/servers/echo.py"
