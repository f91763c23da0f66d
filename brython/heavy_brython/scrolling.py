"""Moving the viewport: to an element, or to the top of the page."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

try:
    from browser import document, window
except ImportError:  # on the server, which imports this module for names and signatures only
    document = window = None


@called_from_reactpy
def scroll_to_element(element_id: str, block: str = "center", smooth: bool = True) -> bool:
    """Scroll until the element with id ``element_id`` is in view (``block``: start, center, end,
    nearest). The result says whether the element was found."""
    element = document.getElementById(element_id)
    if element is None:
        return False
    element.scrollIntoView({"behavior": "smooth" if smooth else "instant", "block": block})
    return True


@called_from_reactpy
def scroll_to_top() -> None:
    window.scrollTo({"top": 0, "behavior": "instant"})
