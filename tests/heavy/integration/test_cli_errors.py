"""Bad settings and unreachable databases stop ``heavy run`` with one clear line, not a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import free_port

pytestmark = pytest.mark.slow


def run_heavy(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heavy_stack", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("heavy: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


class TestHeavyRunRefusesBadInput:
    def test_unreachable_database_names_the_url_with_the_password_masked(self, tmp_path: Path) -> None:
        url = f"postgresql://app:s3cret@127.0.0.1:{free_port()}/app"

        result = run_heavy(["run"], {"HEAVY_STACK_SQL_DB_URL": url}, tmp_path)

        assert_one_line_error(result, "cannot reach the database", "postgresql+asyncpg://app:***@127.0.0.1")
        assert "s3cret" not in result.stderr
        assert result.returncode == 3

    def test_malformed_database_url(self, tmp_path: Path) -> None:
        result = run_heavy(["run"], {"HEAVY_STACK_SQL_DB_URL": "not a url"}, tmp_path)

        assert_one_line_error(result, "HEAVY_STACK_SQL_DB_URL", "not a database URL")
        assert result.returncode == 2

    def test_malformed_database_url_does_not_echo_its_password(self, tmp_path: Path) -> None:
        result = run_heavy(["run"], {"HEAVY_STACK_SQL_DB_URL": "postgresql//u:secretpw@host/db"}, tmp_path)

        assert_one_line_error(result, "HEAVY_STACK_SQL_DB_URL", "not a database URL")
        assert "secretpw" not in result.stderr + result.stdout

    def test_database_url_port_that_is_not_a_number(self, tmp_path: Path) -> None:
        result = run_heavy(["run"], {"HEAVY_STACK_SQL_DB_URL": "postgresql://u:p@host:abc/db"}, tmp_path)

        assert_one_line_error(result, "HEAVY_STACK_SQL_DB_URL", "port is not a number", "postgresql://user")
        assert result.returncode == 2

    def test_unknown_environment(self, tmp_path: Path) -> None:
        result = run_heavy(["run"], {"HEAVY_STACK_ENVIRONMENT": "STAGING"}, tmp_path)

        assert_one_line_error(result, "HEAVY_STACK_ENVIRONMENT", "'DEV' or 'PRODUCTION'", "'STAGING'")
        assert result.returncode == 2

    def test_invalid_value_in_a_dotenv_file(self, tmp_path: Path) -> None:
        (tmp_path / ".env").write_text("HEAVY_STACK_PORT=eighty\n")

        result = run_heavy(["run"], {}, tmp_path)

        assert_one_line_error(result, "HEAVY_STACK_PORT", "'eighty'")

    def test_port_in_use(self, tmp_path: Path, server_env: dict[str, str]) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]

            result = run_heavy(["run", "--port", str(port)], server_env, tmp_path)

        assert_one_line_error(result, f"127.0.0.1:{port} is already in use", "--port")

    def test_help_describes_every_option(self, tmp_path: Path) -> None:
        result = run_heavy(["run", "--help"], {}, tmp_path)

        assert result.returncode == 0
        for option in ("--host", "--port", "--workers"):
            assert option in result.stdout


class TestHeavyHostsRefusesBadInput:
    def test_a_taken_proxy_port_is_one_line_before_anything_starts(self, tmp_path: Path) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]

            result = run_heavy(["hosts", "--port", str(port)], {}, tmp_path)

        assert_one_line_error(result, f"127.0.0.1:{port} for the proxy cannot be used", "--port")
        assert not (tmp_path / ".heavy").exists()  # no database was started

    def test_a_missing_caddy_is_one_line_naming_the_fix(self, tmp_path: Path) -> None:
        result = run_heavy(["hosts", "--caddy", str(tmp_path / "caddy")], {}, tmp_path)

        assert_one_line_error(result, "is not an executable caddy binary")
        assert result.returncode == 2
