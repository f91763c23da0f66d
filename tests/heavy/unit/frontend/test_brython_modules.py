"""The Brython side, seen from the server: the bridge's marks, and every browser-side module
importable without a browser (names, signatures and result types are all the server needs)."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
import reactpy_bridge
from reactpy_bridge import (
    called_from_reactpy,
    includes_result_callback,
    is_called_from_reactpy,
    result_field_id,
)

import brython
from heavy.ui.brython_assets import brython_module_files

BRYTHON_SIDE_MODULES = [name for name in brython_module_files() if "." in name]


class TestCalledFromReactpy:
    def test_marks_a_function_used_bare(self) -> None:
        @called_from_reactpy
        def bare() -> int:
            return 1

        assert is_called_from_reactpy(bare)
        assert not includes_result_callback(bare)
        assert bare() == 1, "the function itself is unchanged"

    def test_marks_a_function_that_reports_through_a_callback(self) -> None:
        @called_from_reactpy(include_result_callback=True)
        def later(report_result: object) -> None:
            pass

        assert is_called_from_reactpy(later)
        assert includes_result_callback(later)

    def test_an_unmarked_function_is_not_callable_from_reactpy(self) -> None:
        assert not is_called_from_reactpy(print)

    def test_result_fields_are_named_by_call_id(self) -> None:
        assert result_field_id("abc") == "heavy-brython-result-abc"


class TestBrythonModulesOnTheServer:
    def test_the_brython_wheel_is_not_shadowed_by_the_projects_brython_folder(self) -> None:
        assert (Path(brython.__file__).parent / "data" / "brython.js").is_file()
        assert not (Path(reactpy_bridge.__file__).parent / "__init__.py").exists(), (
            "brython/ must stay a plain folder: an __init__.py would make it shadow the brython wheel"
        )

    @pytest.mark.parametrize("module_name", BRYTHON_SIDE_MODULES)
    def test_imports_without_a_browser_and_every_public_function_is_marked(self, module_name: str) -> None:
        module = importlib.import_module(module_name)

        functions = [
            value
            for name, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == module_name and not name.startswith("_")
        ]
        assert functions, f"{module_name} has no functions"
        assert all(is_called_from_reactpy(function) for function in functions)

    def test_the_expected_modules_are_there(self) -> None:
        assert {name.rpartition(".")[2] for name in BRYTHON_SIDE_MODULES} >= {
            "navigate",
            "scrolling",
            "timezones",
            "cookies",
            "storage",
            "events",
        }
