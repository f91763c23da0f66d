"""Links: to another page of this app (routed in the page, no reload) and to other sites (new tab)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from heavy_brython.navigate import short_hide_outer_container_contents
from heavy_brython.scrolling import scroll_to_top
from reactpy import component, html, use_ref
from reactpy.backend.types import Location
from reactpy.core.types import VdomDict
from reactpy_router.components import Link
from reactpy_router.hooks import _use_route_state

from heavy.ui import BrythonExecutorContext, Component, heavy_event, heavy_use_context
from heavy_stack.frontend.components.element_attributes import class_names, element_attributes


@component
def RouterLink(
    *children: Component,
    to: str,
    id: str | None = None,
    class_name: str = "",
    reset_scroll: bool = True,
) -> Component:
    """A link to a page of this app: the router swaps the page without a page load.

    With ``reset_scroll`` the new page starts at the top, as after a page load: Brython hides the
    contents for a moment and scrolls up. Ctrl-click still opens a new tab.

    Built from reactpy-router's own parts rather than its ``link``: in reactpy-router 2.0.0 a
    ``link`` with a ``class_name`` never routes (its script looks the anchor up with every class
    name joined into one CSS selector, finds nothing, and the browser does a full page load).
    Here the script gets one class of its own.
    """
    script_class = use_ref(f"router-link-{uuid4().hex}").current
    set_location = _use_route_state().set_location
    brython_executor = heavy_use_context(BrythonExecutorContext)

    def follow(location: dict[str, Any]) -> None:  # the Link script has pushed the new URL already
        pathname, search = str(location.get("pathname", "/")), str(location.get("search", ""))
        set_location(Location(pathname=pathname, search=search))
        if reset_scroll:
            brython_executor.call(short_hide_outer_container_contents)
            brython_executor.call(scroll_to_top)

    # The wrapper takes no space (display: contents) and hides the script's empty mount point.
    return html.span(
        {"class_name": "router-link"},
        Link({"onClickCallback": heavy_event(follow), "linkClass": script_class}),
        html.a(
            element_attributes(id=id, href=to, class_name=class_names("link", class_name, script_class)),
            *children,
        ),
    )


def NewTabLink(href: str, *children: Component, id: str | None = None, class_name: str = "") -> VdomDict:
    """A link that opens in a new tab, says so to screen readers, and gives the new page no opener."""
    return html.a(
        element_attributes(
            id=id,
            href=href,
            target="_blank",
            rel="noopener noreferrer",
            class_name=class_names("link", "new-tab-link", class_name),
        ),
        *(children or (href,)),
        html.span({"class_name": "visually-hidden"}, " (opens in a new tab)"),
    )
