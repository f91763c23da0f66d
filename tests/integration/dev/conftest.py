"""``heavy dev`` running on a throwaway copy of the project, serving a small probe page of its own.

The copy's ``frontend/root.py`` serves ``frontend/pages/probe_page.py``; tests save new versions
of that page (and of the copy's stylesheets and Brython modules) and watch what open sessions
receive. The server has an embedded PostgreSQL of its own, so a test can check that a restart
of the server process leaves the database running.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from heavy_stack.config import ENV_PREFIX
from tests.support.project_copy import copy_project, write_source
from tests.support.servers import ServerProcess, heavy_server

START_TIMEOUT = 180.0  # a fresh embedded PostgreSQL plus the server, on a busy machine
LOG_TIMEOUT = 60.0

PROBE_PAGE = """
    from reactpy import component, html, use_state

    from heavy_stack.frontend.reactpy_util import heavy_event

    GREETING = "Hello"


    @component
    def ProbePage():
        count, set_count = use_state(0)

        def add(_event):
            set_count(lambda n: n + 1)

        return html.main(
            html.button({"id": "add", "on_click": heavy_event(add)}, "+1"),
            html.p({"id": "greeting"}, GREETING),
            html.p({"id": "text"}, "TEXT"),
            html.p({"id": "count"}, str(count)),
        )
"""

PROBE_ROOT = """
    from heavy_stack.frontend.pages.probe_page import ProbePage as Root

    __all__ = ["Root"]
"""


def probe_page(text: str = "first", *, greeting: str = "Hello", handler_step: str = "") -> str:
    """The probe page's source; ``handler_step`` makes the click handler capture ``count`` too."""
    source = PROBE_PAGE.replace('"TEXT"', repr(text)).replace(
        'GREETING = "Hello"', f"GREETING = {greeting!r}"
    )
    if handler_step:
        source = source.replace("set_count(lambda n: n + 1)", f"set_count(count + {handler_step})")
    return source


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
        return self.root / "heavy_stack" / "frontend" / "pages" / "probe_page.py"

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
    root = copy_project(tmp_path_factory.mktemp("heavy-dev") / "project")
    write_source(root / "heavy_stack" / "frontend" / "pages" / "probe_page.py", probe_page())
    write_source(root / "heavy_stack" / "frontend" / "root.py", PROBE_ROOT)
    write_source(root / "brython" / "probe_widget.py", "def greet():\n    return 'hi'\n")
    env = {f"{ENV_PREFIX}DATA_DIR": str(root / "data"), f"{ENV_PREFIX}ENVIRONMENT": "DEV"}
    with heavy_server(["dev"], env, root / "heavy-dev.log", timeout=START_TIMEOUT) as server:
        yield DevApp(root, server)
