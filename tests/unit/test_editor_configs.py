"""The editor's launch configurations and tasks call ``heavy`` commands that exist, with options
they accept: each is run with ``--help`` appended (click validates the command path first)."""

from __future__ import annotations

import importlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from heavy_stack.cli import cli

PROJECT_ROOT = Path(__file__).resolve().parents[2]
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


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PROJECT_ROOT / ".vscode" / name).read_text())
    return data


def with_inputs_filled(arguments: list[str]) -> list[str]:
    return [re.sub(r"\$\{[^}]+\}", "example", argument) for argument in arguments]


def assert_heavy_accepts(arguments: list[str]) -> None:
    result = CliRunner().invoke(cli, [*with_inputs_filled(arguments), "--help"], prog_name="heavy")
    assert result.exit_code == 0, f"heavy {' '.join(arguments)}: {result.output}"
    assert result.output.startswith("Usage: heavy"), result.output


LAUNCH = load("launch.json")["configurations"]
TASKS = load("tasks.json")["tasks"]


def test_the_originals_launch_configurations_are_all_there() -> None:
    names = {configuration["name"] for configuration in LAUNCH}
    assert ORIGINAL_LAUNCH_CONFIGURATIONS - names == set()


@pytest.mark.parametrize("configuration", LAUNCH, ids=lambda c: c["name"])
def test_each_launch_configuration_runs_a_heavy_command(configuration: dict[str, Any]) -> None:
    assert configuration["module"] == "heavy_stack", "launch configurations run `python -m heavy_stack ...`"
    assert_heavy_accepts(configuration["args"])


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t["label"])
def test_each_task_runs_a_heavy_command_or_the_test_daemons_client(task: dict[str, Any]) -> None:
    program, *arguments = shlex.split(task["command"])
    if program == ".venv/bin/heavy":
        assert_heavy_accepts(arguments)
    else:
        assert program == ".venv/bin/pytest"
        plugin = arguments[arguments.index("-p") + 1]
        importlib.import_module(plugin)
