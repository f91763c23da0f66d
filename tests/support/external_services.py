"""The machine's own PostgreSQL and Redis, for the "configured URL" paths.

Each is found at a default local address, or where ``HEAVY_TEST_POSTGRES_URL`` /
``HEAVY_TEST_REDIS_URL`` point; tests that need one skip, with one line saying why, when it does
not answer.
"""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

EXTERNAL_POSTGRES_URL = os.environ.get(
    "HEAVY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
EXTERNAL_REDIS_URL = os.environ.get("HEAVY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_external_postgres() -> str:
    url = make_url(EXTERNAL_POSTGRES_URL)
    if not _answers(url.host or "127.0.0.1", url.port or 5432):
        pytest.skip(
            f"no PostgreSQL at {url.render_as_string(hide_password=True)} (set HEAVY_TEST_POSTGRES_URL)"
        )
    return EXTERNAL_POSTGRES_URL


def require_external_redis() -> str:
    parsed = urlsplit(EXTERNAL_REDIS_URL)
    if not _answers(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        pytest.skip(f"no Redis at {EXTERNAL_REDIS_URL} (set HEAVY_TEST_REDIS_URL)")
    return EXTERNAL_REDIS_URL


def scratch_database_url(server_url: str) -> str:
    """A URL for a new, uniquely named database on the server of ``server_url``."""
    url = make_url(server_url).set(database=f"heavy_stack_test_{uuid.uuid4().hex[:12]}")
    return url.render_as_string(hide_password=False)
