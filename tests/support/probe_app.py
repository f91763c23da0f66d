"""A project copy whose root component is a small probe page, for ``heavy dev`` tests and benchmarks.

The page has state (a counter), a text and a greeting that tests change by saving new versions
of ``heavy_stack/frontend/pages/probe_page.py`` in the copy.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.project_copy import PACKAGE, copy_app, write_source

PROBE_PAGE = """
    from reactpy import component, html, use_state

    from heavy.ui import heavy_event

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


def probe_page_path(root: Path) -> Path:
    return root / PACKAGE / "frontend" / "pages" / "probe_page.py"


def make_probe_project(destination: Path, *, with_tests: bool = False) -> Path:
    """A project copy serving the probe page at ``/``, with a Brython module to change too."""
    root = copy_app(destination, with_tests=with_tests)
    write_source(probe_page_path(root), probe_page())
    write_source(root / PACKAGE / "frontend" / "root.py", PROBE_ROOT)
    write_source(root / "brython" / "probe_widget.py", "def greet():\n    return 'hi'\n")
    return root
