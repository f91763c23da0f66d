"""The frame around every page: a skip link, the header with the app's name and navigation, the
page itself, and a footer. Routes wrap their page in it (``frontend/root.py``)."""

from __future__ import annotations

from heavy_brython.navigate import OUTER_CONTAINER_CONTENTS_ID
from reactpy import html
from reactpy.core.types import VdomDict

from heavy.ui import Component
from heavy_stack.frontend.components.links import NewTabLink, RouterLink
from heavy_stack.frontend.pages.account_pages import AccountMenu

APP_NAME = "Heavy Stack"
NAVIGATION = (
    ("/", "Home", "nav-home"),
    ("/guestbook", "Guestbook", "nav-guestbook"),
    ("/other", "Another page", "nav-other"),
)
"""(path, label, id) of each page in the header's navigation."""


def OuterContainer(page: Component, *, current_path: str) -> VdomDict:
    """``page`` in the app's frame. Its contents element is the one Brython hides for a moment
    while the router swaps pages (``short_hide_outer_container_contents``)."""
    return html.div(
        {"class_name": "app-shell"},
        html.a({"class_name": "skip-link", "href": f"#{OUTER_CONTAINER_CONTENTS_ID}"}, "Skip to content"),
        html.header(
            {"class_name": "app-header"},
            html.div(
                {"class_name": "app-header-inner"},
                RouterLink(
                    html.span({"class_name": "brand-mark", "aria_hidden": "true"}),
                    APP_NAME,
                    to="/",
                    id="brand-link",
                    class_name="brand",
                ),
                html.nav(
                    {"aria_label": "Main", "class_name": "app-nav"},
                    *(
                        RouterLink(
                            label,
                            to=path,
                            id=link_id,
                            class_name="nav-link",
                            key=link_id,
                        )
                        if path != current_path
                        else html.span(
                            {"class_name": "nav-link is-current", "aria_current": "page", "key": link_id},
                            label,
                        )
                        for path, label, link_id in NAVIGATION
                    ),
                ),
                AccountMenu(),
            ),
        ),
        html.main(
            {"id": OUTER_CONTAINER_CONTENTS_ID, "class_name": "outer-container-contents", "tab_index": -1},
            page,
        ),
        html.footer(
            {"class_name": "app-footer"},
            html.p(
                "Python from the database to the browser: ",
                NewTabLink("https://sanic.dev", "Sanic"),
                ", ",
                NewTabLink("https://reactpy.dev", "ReactPy"),
                ", ",
                NewTabLink("https://brython.info", "Brython"),
                " and ",
                NewTabLink("https://www.postgresql.org", "PostgreSQL"),
                ".",
            ),
        ),
    )
