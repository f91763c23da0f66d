"""The container files' commands, run for real on this machine (no Docker engine needed)."""

from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy.engine import make_url

from heavy.config import normalise_database_url
from heavy.data.database_setup import check_database
from tests.support.container_files import PROJECT_ROOT, health_check_command, parse_dockerfile
from tests.support.external_services import require_external_postgres
from tests.support.servers import ServerProcess, free_port

pytestmark = pytest.mark.slow


def run_health_check(port: int) -> int:
    """The Dockerfile's HEALTHCHECK command, as Docker would run it inside the container."""
    [health_check] = [
        instruction
        for instruction in parse_dockerfile(PROJECT_ROOT / "dockerfiles" / "heavy_stack.Dockerfile")
        if instruction.keyword == "HEALTHCHECK"
    ]
    python, *arguments = health_check_command(health_check)
    assert python == "python"
    environment = {**os.environ, "HEAVY_STACK_PORT": str(port)}
    return subprocess.run(
        ["python3", *arguments], env=environment, capture_output=True, check=False
    ).returncode


class TestDockerfileHealthCheck:
    def test_it_passes_against_a_healthy_server(self, live_server: ServerProcess) -> None:
        assert run_health_check(live_server.port) == 0

    def test_it_fails_when_nothing_answers(self) -> None:
        assert run_health_check(free_port()) != 0


class TestComposeUrls:
    async def test_a_url_with_libpqs_sslmode_connects(self) -> None:
        server_url = make_url(require_external_postgres())
        url = server_url.set(query={"sslmode": "disable"}).render_as_string(hide_password=False)

        await check_database(normalise_database_url(url))  # asyncpg alone would refuse 'sslmode'
