"""Events the server triggers in the page."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

try:
    from browser import document
except ImportError:  # on the server, which imports this module for names and signatures only
    document = None


@called_from_reactpy
def click_element(element_id: str) -> bool:
    """Click the element with id ``element_id`` as the user would; the result says whether it exists."""
    element = document.getElementById(element_id)
    if element is None:
        return False
    element.click()
    return True
