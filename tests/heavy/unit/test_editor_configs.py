"""The editor's launch configurations and tasks run commands that exist, with arguments they accept:
each command line is parsed as ``heavy`` (or the dev script) would parse it, so an unknown command,
an unknown option, a bad option value or a missing argument fails here, not in the editor. The
editor's extension ids are the dev container's."""

from __future__ import annotations

import importlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest

from tests.heavy.unit.test_container_files import resolve_heavy_command
from tests.support import PROJECT_ROOT

DEV_SCRIPTS = PROJECT_ROOT / "dev_scripts"
ORIGINAL_LAUNCH_CONFIGURATIONS = {
    "Hot Reload Heavy Stack",
    "Run Heavy Stack",
    "Pytest Daemon",
    "Data Record Heavy Stack",
    "Run Pave DB",
    "Create and test migrations",
    "Add table",
    "Profile server",
    "Profile tests",
}
INPUT = re.compile(r"\$\{input:([^}]+)\}")


def load(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PROJECT_ROOT / path).read_text())
    return data


def with_inputs_filled(arguments: list[str]) -> list[str]:
    """What the editor runs once the person has answered the prompts (``${input:...}``)."""
    return [re.sub(r"\$\{[^}]+\}", "example", argument) for argument in arguments]


def assert_heavy_accepts(arguments: list[str]) -> None:
    resolve_heavy_command(with_inputs_filled(arguments))


def assert_dev_script_accepts(program: str, arguments: list[str]) -> None:
    """``program`` is a script in dev_scripts/ whose click command (named after the file) accepts
    ``arguments``."""
    path = Path(program.replace("${workspaceFolder}", str(PROJECT_ROOT)))
    assert path.parent == DEV_SCRIPTS, f"{program}: launch configurations run scripts from dev_scripts/"
    assert path.is_file(), f"{program}: no such script"
    command = getattr(importlib.import_module(f"dev_scripts.{path.stem}"), path.stem, None)
    assert isinstance(command, click.Command), f"{program}: has no click command named {path.stem}"
    command.make_context(path.name, with_inputs_filled(arguments))


def devcontainer_vscode() -> dict[str, Any]:
    customizations: dict[str, Any] = load(".devcontainer/devcontainer.json")["customizations"]["vscode"]
    return customizations


LAUNCH = load(".vscode/launch.json")
TASKS = load(".vscode/tasks.json")


class TestLaunchConfigurations:
    def test_the_originals_launch_configurations_are_all_there(self) -> None:
        names = {configuration["name"] for configuration in LAUNCH["configurations"]}
        assert ORIGINAL_LAUNCH_CONFIGURATIONS - names == set()

    @pytest.mark.parametrize("configuration", LAUNCH["configurations"], ids=lambda c: c["name"])
    def test_each_runs_a_heavy_command_or_a_dev_script_it_accepts(
        self, configuration: dict[str, Any]
    ) -> None:
        if "program" in configuration:
            assert_dev_script_accepts(configuration["program"], configuration["args"])
        else:
            assert configuration["module"] == "heavy_stack", (
                "launch configurations run `python -m heavy_stack`"
            )
            assert_heavy_accepts(configuration["args"])

    def test_create_and_test_migrations_runs_the_script_that_creates_then_tests_the_history(self) -> None:
        [configuration] = [c for c in LAUNCH["configurations"] if c["name"] == "Create and test migrations"]
        assert configuration["program"] == "${workspaceFolder}/dev_scripts/create_and_test_migrations.py"
        assert configuration["args"] == ["${input:migrationMessage}"]

    def test_every_prompt_they_use_is_defined(self) -> None:
        used = {name for c in LAUNCH["configurations"] for arg in c["args"] for name in INPUT.findall(arg)}
        assert used <= {prompt["id"] for prompt in LAUNCH["inputs"]}


class TestTasks:
    @pytest.mark.parametrize("task", TASKS["tasks"], ids=lambda t: t["label"])
    def test_each_runs_a_heavy_command_or_the_test_daemons_client(self, task: dict[str, Any]) -> None:
        program, *arguments = shlex.split(task["command"])
        if program == ".venv/bin/heavy":
            assert_heavy_accepts(arguments)
        else:
            assert program == ".venv/bin/pytest"
            plugin = arguments[arguments.index("-p") + 1]
            importlib.import_module(plugin)

    def test_every_prompt_they_use_is_defined(self) -> None:
        used = {name for task in TASKS["tasks"] for name in INPUT.findall(task["command"])}
        assert used <= {prompt["id"] for prompt in TASKS["inputs"]}


class TestTheCheckItself:
    @pytest.mark.parametrize(
        ("arguments", "error"),
        [
            (["serve"], AssertionError),  # no such command
            (["run", "--wokers", "2"], click.NoSuchOption),
            (["run", "--port", "eighty"], click.BadParameter),
            (["migrate", "create"], click.MissingParameter),
            (["migrate", "create", "a", "b"], click.UsageError),
        ],
    )
    def test_a_wrong_heavy_command_line_fails(self, arguments: list[str], error: type[Exception]) -> None:
        with pytest.raises(error):
            assert_heavy_accepts(arguments)

    @pytest.mark.parametrize(
        ("program", "arguments", "error"),
        [
            ("${workspaceFolder}/dev_scripts/create_and_test_migrations.py", [], click.MissingParameter),
            (
                "${workspaceFolder}/dev_scripts/create_and_test_migrations.py",
                ["--yes", "x"],
                click.NoSuchOption,
            ),
            ("${workspaceFolder}/dev_scripts/no_such_script.py", ["x"], AssertionError),
            ("${workspaceFolder}/heavy_stack/__main__.py", [], AssertionError),
        ],
    )
    def test_a_wrong_dev_script_command_line_fails(
        self, program: str, arguments: list[str], error: type[Exception]
    ) -> None:
        with pytest.raises(error):
            assert_dev_script_accepts(program, arguments)


class TestExtensions:
    def test_the_python_formatter_is_the_dev_containers_ruff_extension(self) -> None:
        formatter = load(".vscode/settings.json")["[python]"]["editor.defaultFormatter"]
        devcontainer = devcontainer_vscode()

        assert formatter == devcontainer["settings"]["[python]"]["editor.defaultFormatter"]
        assert formatter in devcontainer["extensions"], f"{formatter} is not an extension the editor installs"

    def test_the_recommended_extensions_are_the_dev_containers(self) -> None:
        recommendations = load(".vscode/extensions.json")["recommendations"]

        assert recommendations == devcontainer_vscode()["extensions"]
