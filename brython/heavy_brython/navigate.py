"""Leaving the page: load a URL, open one in a new tab, hide the page while the router swaps it."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

try:
    from browser import document, timer, window
    from javascript import NULL  # JavaScript's null (Python's None would be stored as an object)
except ImportError:  # on the server, which imports this module for names and signatures only
    document = timer = window = NULL = None

OUTER_CONTAINER_CONTENTS_ID = "outer-container-contents"
"""Id of the element ``OuterContainer`` wraps each page in (kept in step with it by a test)."""


@called_from_reactpy
def navigate_to(url: str) -> None:
    """Load ``url`` in this tab: a full page load (for pages of this app, use a ``RouterLink``)."""
    window.location.href = url


@called_from_reactpy
def open_new_tab(url: str) -> bool:
    """Open ``url`` in a new tab; the result says whether the browser let it open (pop-up blockers).

    The new tab gets no ``window.opener``, so the opened page cannot navigate this one.
    """
    new_tab = window.open(url, "_blank")
    if new_tab is None or new_tab is NULL:  # a pop-up blocker said no
        return False
    new_tab.opener = NULL
    return True


@called_from_reactpy
def short_hide_outer_container_contents(milliseconds: int = 200) -> None:
    """Hide the page for a moment, so a router change does not flash the old page scrolled to the new
    position.

    It is made transparent (``opacity``), not ``visibility: hidden``: a hidden element loses the
    keyboard focus, so what someone types right after following a link would go nowhere.
    """
    contents = document.getElementById(OUTER_CONTAINER_CONTENTS_ID)
    if contents is None:
        return
    contents.style.opacity = "0"

    def show_again() -> None:
        contents.style.opacity = ""

    timer.set_timeout(show_again, milliseconds)
