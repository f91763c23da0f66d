"""The dev container, the production Dockerfile and the compose file, checked without a Docker engine:
what they copy exists, what they run is a real command, what the docs promise is what they define."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from heavy.app import current_app
from heavy.app_factory import create_app
from heavy.cli import cli
from heavy.config import load_settings
from tests.support.container_files import (
    PROJECT_ROOT,
    Instruction,
    commands_in_script,
    dockerignore_patterns,
    health_check_command,
    is_in_build_context,
    parse_dockerfile,
)

DOCKERFILE = PROJECT_ROOT / "dockerfiles" / "heavy_stack.Dockerfile"
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yaml"
DEVCONTAINER = PROJECT_ROOT / ".devcontainer"
DEV_ENVIRONMENT_DOC = PROJECT_ROOT / "docs" / "dev-environment.md"
SKIPPED_FOLDERS = {".git", ".venv", ".heavy", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def makefile_uv_version() -> str:
    match = re.search(r"^UV_VERSION := (\S+)$", (PROJECT_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match is not None
    return match.group(1)


def instructions(keyword: str, stage: int | None = None) -> list[Instruction]:
    return [
        instruction
        for instruction in parse_dockerfile(DOCKERFILE)
        if instruction.keyword == keyword and (stage is None or instruction.stage == stage)
    ]


def final_stage() -> int:
    return len(instructions("FROM")) - 1


def resolve_heavy_command(words: list[str]) -> click.Command:
    """The click command ``heavy <words>`` would run (options parsed, so unknown ones fail)."""
    command: click.Command = cli
    remaining = list(words)
    while isinstance(command, click.Group) and remaining and not remaining[0].startswith("-"):
        name = remaining.pop(0)
        assert name in command.commands, f"heavy has no command {name!r} (in {words})"
        command = command.commands[name]
    command.make_context("heavy", remaining)  # raises on options the command does not have
    return command


def compose() -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return parsed


def default_published_port(service: dict[str, Any], container_port: int) -> int:
    """The host port of ``"127.0.0.1:${VAR:-5432}:5432"`` when VAR is unset."""
    for mapping in service["ports"]:
        match = re.fullmatch(r"127\.0\.0\.1:\$\{\w+:-(\d+)\}:(\d+)", mapping)
        assert match is not None, f"{mapping}: expected 127.0.0.1:${{VARIABLE:-port}}:port"
        host_port, target = match.groups()
        if int(target) == container_port:
            return int(host_port)
    raise AssertionError(f"port {container_port} is not published")


def documented_services() -> dict[str, str]:
    """``service -> "VARIABLE=url"`` from the compose services table of docs/dev-environment.md."""
    section = DEV_ENVIRONMENT_DOC.read_text().split("## Compose services", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \|.*\| `(\w+=\S+)` \|$", section, re.MULTILINE)
    return dict(rows)


class TestEveryConfigurationFileParses:
    def test_every_json_and_yaml_file_of_the_project_parses(self) -> None:
        checked = []
        for path in sorted(PROJECT_ROOT.rglob("*")):
            relative = path.relative_to(PROJECT_ROOT)
            if SKIPPED_FOLDERS.intersection(relative.parts) or not path.is_file():
                continue
            if path.suffix == ".json":
                json.loads(path.read_text())  # strict JSON: VS Code reads it too
                checked.append(relative)
            elif path.suffix in (".yaml", ".yml"):
                yaml.safe_load(path.read_text())
                checked.append(relative)
        assert Path(".devcontainer/devcontainer.json") in checked
        assert Path("docker-compose.yaml") in checked


class TestProductionDockerfile:
    def test_it_builds_in_one_stage_and_runs_in_another_as_an_unprivileged_user(self) -> None:
        froms = instructions("FROM")
        assert len(froms) == 2
        assert froms[0].arguments.endswith(" AS build")
        assert froms[1].arguments.endswith(" AS runtime")
        assert [copy.flags.get("from") for copy in instructions("COPY", final_stage())] == ["build"]
        [user] = instructions("USER", final_stage())
        assert user.arguments not in ("root", "0")
        runtime = parse_dockerfile(DOCKERFILE)
        assert runtime.index(user) < runtime.index(instructions("CMD")[0]), "the command runs as that user"

    def test_it_installs_exactly_the_locked_dependencies_without_dev_tools(self) -> None:
        syncs = [run for run in instructions("RUN") if "uv sync" in run.arguments]
        assert len(syncs) == 2  # dependencies, then the project
        assert all("--frozen" in run.words and "--no-dev" in run.words for run in syncs)
        [uv_version] = [
            arg.arguments for arg in instructions("ARG") if arg.arguments.startswith("UV_VERSION=")
        ]
        assert uv_version == f"UV_VERSION={makefile_uv_version()}", "the same uv as the Makefile"

    def test_every_file_it_copies_from_the_project_exists(self) -> None:
        copies = [copy for copy in instructions("COPY") if "from" not in copy.flags]
        sources = [word for copy in copies for word in copy.words[:-1] if not word.startswith("--")]
        assert "uv.lock" in sources
        for source in sources:
            assert (PROJECT_ROOT / source).exists(), f"COPY {source}: no such file in the project"

    def test_its_command_is_heavy_run_with_options_heavy_run_has(self) -> None:
        [command] = instructions("CMD")
        words = command.exec_form
        assert words[:2] == ["heavy", "run"]
        scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
        assert scripts["heavy"] == "heavy.cli:main", "`heavy` is on the image's PATH"
        assert resolve_heavy_command(words[1:]).name == "run"

    def test_it_runs_in_production_listening_on_the_port_it_exposes(self) -> None:
        environment = " ".join(env.arguments for env in instructions("ENV", final_stage()))
        assert "HEAVY_STACK_ENVIRONMENT=PRODUCTION" in environment
        assert "HEAVY_STACK_HOST=0.0.0.0" in environment
        [expose] = instructions("EXPOSE")
        assert f"HEAVY_STACK_PORT={expose.arguments}" in environment

    def test_the_health_check_asks_the_health_endpoint_the_app_serves(self) -> None:
        [health_check] = instructions("HEALTHCHECK")
        command = health_check_command(health_check)
        assert command[:2] == ["python", "-c"]
        assert "/healthz" in command[2]
        app = create_app(load_settings(_env_file=None), name="container_files_health")
        assert "healthz" in [route.path for route in app.router.routes]


class TestDockerignore:
    def test_the_build_gets_what_the_server_reads_and_no_local_state_or_secrets(self) -> None:
        patterns = dockerignore_patterns(PROJECT_ROOT / ".dockerignore")
        needed = [
            "pyproject.toml",
            "uv.lock",
            "README.md",
            "heavy/app_factory.py",
            "heavy/static/js/heavy_tab.js",
            "heavy_stack/app.py",
            f"{current_app().static_dir.name}/css/app.css",
            "brython/reactpy_bridge.py",  # served to browsers and imported on the server
            "alembic/env.py",
            "alembic.ini",
        ]
        kept_out = [
            ".env",
            ".venv/bin/python",
            ".heavy/pgdata/PG_VERSION",
            ".ptyme.secret",
            ".ptyme_track/.cur_times",
            ".git/HEAD",
            "tests/conftest.py",
            "docs/dev-environment.md",
            "heavy_stack/__pycache__/config.cpython-311.pyc",
            "heavy_stack/.env",
        ]
        assert [path for path in needed if not is_in_build_context(patterns, path)] == []
        assert [path for path in kept_out if is_in_build_context(patterns, path)] == []

    def test_every_top_level_entry_that_reaches_the_build_is_one_the_image_needs(self) -> None:
        patterns = dockerignore_patterns(PROJECT_ROOT / ".dockerignore")
        allowed = {
            "pyproject.toml",
            "uv.lock",
            "README.md",
            "heavy",
            "heavy_stack",
            "brython",
            "static",
            "alembic",
            "alembic.ini",
        }
        in_context = {
            entry.name for entry in PROJECT_ROOT.iterdir() if is_in_build_context(patterns, entry.name)
        }
        assert in_context <= allowed


class TestComposeFile:
    def test_it_defines_the_services_the_docs_name(self) -> None:
        services = compose()["services"]
        assert (
            set(services) == set(documented_services()) == {"postgres", "postgres_test", "redis", "cockroach"}
        )

    def test_cockroach_starts_only_when_its_profile_is_asked_for(self) -> None:
        services = compose()["services"]
        assert services["cockroach"]["profiles"] == ["cockroach"]
        assert "start-single-node" in services["cockroach"]["command"]
        assert "--insecure" in services["cockroach"]["command"]
        assert [name for name, service in services.items() if "profiles" in service] == ["cockroach"]

    def test_the_test_database_lives_in_memory_and_the_dev_database_in_a_volume(self) -> None:
        services = compose()["services"]
        assert services["postgres_test"]["tmpfs"] == ["/var/lib/postgresql/data"]
        assert services["postgres_test"]["environment"]["POSTGRES_HOST_AUTH_METHOD"] == "trust"
        assert services["postgres"]["volumes"] == ["postgres_data:/var/lib/postgresql/data"]
        assert "pgvector" in services["postgres"]["image"]

    def test_every_service_is_health_checked_and_listens_on_localhost_only(self) -> None:
        for name, service in compose()["services"].items():
            assert "healthcheck" in service, f"{name}: `docker compose up --wait` needs a health check"
            assert all(mapping.startswith("127.0.0.1:") for mapping in service["ports"]), name

    @pytest.mark.parametrize(
        ("service", "container_port"),
        [("postgres", 5432), ("postgres_test", 5432), ("redis", 6379), ("cockroach", 26257)],
    )
    def test_the_documented_url_of_each_service_is_valid_and_on_its_port(
        self, service: str, container_port: int
    ) -> None:
        variable, url = documented_services()[service].split("=", 1)
        port = default_published_port(compose()["services"][service], container_port)
        assert f":{port}/" in url
        if variable.startswith("HEAVY_STACK_"):
            setting = variable.removeprefix("HEAVY_STACK_").lower()
            assert getattr(load_settings(_env_file=None, **{setting: url}), setting)


class TestDevContainer:
    def devcontainer(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads((DEVCONTAINER / "devcontainer.json").read_text())
        return parsed

    def script(self, key: str) -> Path:
        command: list[str] = self.devcontainer()[key].split()
        assert command[0] == "bash"
        return PROJECT_ROOT / command[1]

    def test_its_image_and_scripts_exist_and_the_scripts_are_valid_bash(self) -> None:
        assert (DEVCONTAINER / self.devcontainer()["build"]["dockerfile"]).is_file()
        for key in ("postCreateCommand", "postStartCommand"):
            script = self.script(key)
            assert script.is_file(), key
            assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0

    def test_creating_it_installs_as_the_readme_does_and_paves_the_database(self) -> None:
        commands = commands_in_script(self.script("postCreateCommand"))
        assert ["make", "install"] in commands
        assert "`make install`" in (PROJECT_ROOT / "README.md").read_text()
        assert [".venv/bin/heavy", "pave-db"] in commands

    def test_starting_it_starts_the_compose_services_and_time_tracking(self) -> None:
        commands = commands_in_script(self.script("postStartCommand"))
        [compose_up] = [words for words in commands if words[:3] == ["docker", "compose", "up"]]
        started = [word for word in compose_up[3:] if not word.startswith("-")]
        assert started == ["postgres", "postgres_test", "redis"]
        assert set(started) <= set(compose()["services"])
        assert [".venv/bin/heavy", "time", "start"] in commands

    def test_every_heavy_command_in_its_scripts_exists(self) -> None:
        for key in ("postCreateCommand", "postStartCommand"):
            for words in commands_in_script(self.script(key)):
                if words[0].endswith("heavy"):
                    resolve_heavy_command(words[1:])

    def test_it_can_profile_and_its_tests_find_the_compose_test_database(self) -> None:
        devcontainer = self.devcontainer()
        assert "--cap-add=SYS_PTRACE" in devcontainer["runArgs"]  # py-spy reads other processes
        test_url = devcontainer["containerEnv"]["HEAVY_TEST_POSTGRES_URL"]
        assert test_url == documented_services()["postgres_test"].split("=", 1)[1]
        uv_line = next(
            line for line in (DEVCONTAINER / "Dockerfile").read_text().splitlines() if "UV_VERSION=" in line
        )
        assert uv_line == f"ARG UV_VERSION={makefile_uv_version()}"


class TestGitIgnore:
    @pytest.mark.parametrize("path", [".ptyme.secret", ".heavy/profiles/server.svg", ".env"])
    def test_secrets_and_local_state_stay_out_of_git(self, path: str) -> None:
        ignored = subprocess.run(["git", "check-ignore", "--quiet", path], cwd=PROJECT_ROOT, check=False)
        assert ignored.returncode == 0, f"{path} is not git-ignored"
