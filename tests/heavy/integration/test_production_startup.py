"""Production start-up never imports Alembic: migrations are a separate step (``heavy migrate up``)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from heavy.data.database_setup import DatabaseUrls
from tests.support.servers import heavy_server

pytestmark = pytest.mark.slow


def imported_modules(import_log: str) -> set[str]:
    """Module names from ``-X importtime`` output (``import time: self | cumulative | name``)."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in import_log.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_heavy_run_in_production_serves_pages_without_importing_alembic(
    database_urls: DatabaseUrls, server_env: dict[str, str], tmp_path: Path
) -> None:
    env = {
        **server_env,
        "HEAVY_STACK_ENVIRONMENT": "PRODUCTION",
        "HEAVY_STACK_SECRET_KEY": "a-production-secret-of-more-than-32-characters",
        "HEAVY_STACK_SQL_DB_URL": database_urls.sql,
        "HEAVY_STACK_VECTOR_DB_URL": database_urls.vector,
        "PYTHONPROFILEIMPORTTIME": "1",  # every import is logged to stderr, which goes to the log
    }

    with heavy_server(["run"], env, tmp_path / "server.log") as server:
        page = httpx.get(f"{server.base_url}/", timeout=10)
        modules = imported_modules(server.log())

    assert page.status_code == 200
    assert {"sanic", "reactpy", "sqlalchemy", "heavy.cli.migrate"} <= modules  # the log is complete
    assert sorted(name for name in modules if name.split(".")[0] in ("alembic", "mako")) == []
