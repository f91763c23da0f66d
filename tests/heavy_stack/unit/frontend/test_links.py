"""Links of the kit and the frame around pages (RouterLink is driven in a browser: tests/heavy/browser)."""

from __future__ import annotations

from typing import Any

from heavy_brython.navigate import OUTER_CONTAINER_CONTENTS_ID
from reactpy.core.types import ComponentType

from heavy.realtime.stream_client import walk
from heavy_stack.frontend.components.links import NewTabLink, RouterLink
from heavy_stack.frontend.components.outer_container import OuterContainer
from tests.support.layout import vdom


class TestNewTabLink:
    def test_opens_in_a_new_tab_without_an_opener_and_says_so(self) -> None:
        link = vdom(NewTabLink("https://example.com", "Example", id="ex"))

        assert link["attributes"] == {
            "id": "ex",
            "href": "https://example.com",
            "target": "_blank",
            "rel": "noopener noreferrer",
            "class_name": "link new-tab-link",
        }
        text, note = link["children"]
        assert text == "Example"
        assert note["children"] == [" (opens in a new tab)"]
        assert "visually-hidden" in note["attributes"]["class_name"]

    def test_without_children_shows_the_address(self) -> None:
        assert vdom(NewTabLink("https://example.com"))["children"][0] == "https://example.com"


def nav_items(frame: dict[str, Any]) -> list[Any]:
    nav = next(node for node in walk(frame) if node.get("tagName") == "nav")
    return list(nav["children"])


class TestOuterContainer:
    def test_wraps_the_page_in_the_element_brython_hides_during_page_changes(self) -> None:
        frame = vdom(OuterContainer("the page", current_path="/"))

        main = next(node for node in walk(frame) if node.get("tagName") == "main")
        assert main["attributes"]["id"] == OUTER_CONTAINER_CONTENTS_ID
        assert main["children"] == ["the page"]

    def test_starts_with_a_skip_link_to_the_contents(self) -> None:
        skip_link = vdom(OuterContainer("page", current_path="/"))["children"][0]

        assert skip_link["attributes"]["href"] == f"#{OUTER_CONTAINER_CONTENTS_ID}"

    def test_marks_the_current_page_in_the_navigation_and_links_the_others(self) -> None:
        home, *others = nav_items(vdom(OuterContainer("page", current_path="/")))

        assert home["tagName"] == "span"
        assert home["attributes"]["aria_current"] == "page"
        assert len(others) == 2  # the guestbook and the other page
        for other in others:
            assert isinstance(other, ComponentType)
            assert other.type is RouterLink.__wrapped__  # type: ignore[attr-defined]
