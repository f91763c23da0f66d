"""``heavy dev`` running on a throwaway copy of the project that serves a probe page of its own.

Tests save new versions of that page (``tests/support/probe_app.py``), of the copy's stylesheets
and of its Brython modules, and watch what open sessions receive. The server has an embedded
PostgreSQL of its own, so a test can check that a restart of the server process leaves the
database running.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from heavy.config import env_prefix
from tests.support.chromium import CHROMIUM_ARGS, find_chromium, no_chromium_message
from tests.support.probe_app import make_probe_project, probe_page_path
from tests.support.project_copy import write_source
from tests.support.servers import ServerProcess, heavy_server

START_TIMEOUT = 180.0  # a fresh embedded PostgreSQL plus the server, on a busy machine
LOG_TIMEOUT = 60.0


@dataclass
class DevApp:
    """The copy, and ``heavy dev`` serving it."""

    root: Path
    server: ServerProcess

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def page_path(self) -> Path:
        return probe_page_path(self.root)

    def save_page(self, source: str) -> None:
        write_source(self.page_path, source)

    def dev_lines(self) -> list[str]:
        return [line for line in self.server.log().splitlines() if line.startswith("heavy dev: ")]

    async def wait_for_log(self, fragment: str, *, after: int = 0) -> str:
        """The first ``heavy dev:`` line past the first ``after`` ones that contains ``fragment``."""
        deadline = time.monotonic() + LOG_TIMEOUT
        while time.monotonic() < deadline:
            for line in self.dev_lines()[after:]:
                if fragment in line:
                    return line
            await asyncio.sleep(0.05)
        raise AssertionError(f"no log line with {fragment!r}:\n{self.server.log()}")

    def postgres_pid(self) -> int:
        return int((self.root / "data" / "pgdata" / "postmaster.pid").read_text().splitlines()[0])


@pytest.fixture(scope="module")
def dev_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevApp]:
    root = make_probe_project(tmp_path_factory.mktemp("heavy-dev") / "project")
    env = {f"{env_prefix()}DATA_DIR": str(root / "data"), f"{env_prefix()}ENVIRONMENT": "DEV"}
    with heavy_server(["dev"], env, root / "heavy-dev.log", timeout=START_TIMEOUT) as server:
        yield DevApp(root, server)


@pytest.fixture
def chromium() -> str:
    executable = find_chromium()
    if executable is None:
        pytest.skip(no_chromium_message())
    return executable


@pytest.fixture
async def browser_page(chromium: str) -> AsyncIterator[Page]:
    """A page in the machine's Chromium (Playwright never downloads one here)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield await browser.new_page()
        finally:
            await browser.close()
