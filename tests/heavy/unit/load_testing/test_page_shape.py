"""What a replay compares: elements, ids and handlers; never text, router class names or data rows."""

from __future__ import annotations

from typing import Any

from heavy.load_testing.page_shape import (
    covers,
    describe_part,
    find_handler,
    first_difference,
    node_at,
    shape_of,
)


def counter_page(
    text: str = "Clicked 1 times", link_class: str = "link-1a2b", rows: int = 2, tag: str = "button"
) -> dict[str, Any]:
    return {
        "tagName": "main",
        "attributes": {"className": "page"},
        "children": [
            {
                "tagName": tag,
                "attributes": {"id": "counter-button"},
                "eventHandlers": {"on_click": {"target": "0/0:on_click"}},
                "children": [text],
            },
            {
                "tagName": "a",
                "attributes": {"href": "/other", "className": link_class},
                "children": ["Other"],
            },
            {
                "tagName": "ol",
                "attributes": {"id": "search-results"},
                "children": [
                    {"tagName": "li", "key": str(row), "children": [f"row {row}"]} for row in range(rows)
                ],
            },
        ],
    }


class TestShapeOf:
    def test_text_router_class_names_and_keyed_rows_do_not_count(self) -> None:
        assert shape_of(counter_page()) == shape_of(
            counter_page(text="Clicked 7 times", link_class="link-ffff", rows=5)
        )

    def test_a_different_element_does(self) -> None:
        assert shape_of(counter_page()) != shape_of(counter_page(tag="a"))

    def test_a_missing_handler_does(self) -> None:
        page = counter_page()
        del page["children"][0]["eventHandlers"]

        assert shape_of(page) != shape_of(counter_page())

    def test_a_render_error_does(self) -> None:
        page = counter_page()
        page["children"][0] = {"tagName": "", "error": ""}

        assert shape_of(page) != shape_of(counter_page())


class TestFirstDifference:
    def test_names_the_element_that_differs(self) -> None:
        difference = first_difference(shape_of(counter_page()), shape_of(counter_page(tag="a")))

        assert difference == (
            "inside <main>, at child 0: expected <button#counter-button> handling on_click, "
            "got <a#counter-button> handling on_click"
        )

    def test_counts_children_through_fragments(self) -> None:
        expected = shape_of(
            {"tagName": "", "children": [{"tagName": "", "children": [{"tagName": "section"}]}]}
        )
        actual = shape_of({"tagName": "", "children": [{"tagName": "", "children": [{"tagName": "div"}]}]})

        assert first_difference(expected, actual) == "at child 0/0: expected <section>, got <div>"

    def test_a_missing_child(self) -> None:
        expected = shape_of(counter_page())
        actual = shape_of({**counter_page(), "children": counter_page()["children"][:1]})

        assert first_difference(expected, actual) == "<main> has 1 child element(s) where the recording has 3"


class TestPaths:
    def test_node_at_follows_a_layout_update_path(self) -> None:
        page = counter_page()

        assert node_at(page, "") is page
        assert node_at(page, "/children/2") == page["children"][2]
        assert node_at(page, "/children/9") is None

    def test_an_update_covers_its_own_part_and_the_parts_inside_it(self) -> None:
        assert covers("/children/0", "/children/0")
        assert covers("/children/0", "/children/0/children/3")
        assert covers("", "/children/0")
        assert not covers("/children/0", "/children/01")
        assert not covers("/children/0/children/3", "/children/0")


class TestDescriptions:
    def test_find_handler_gives_the_event_and_the_element_lineage(self) -> None:
        page = counter_page()

        found = find_handler(page, "0/0:on_click")

        assert found is not None
        event, lineage = found
        assert event == "on_click"
        assert lineage[-1]["attributes"]["id"] == "counter-button"

    def test_a_part_is_named_by_its_id_or_the_first_id_inside_it(self) -> None:
        page = counter_page()

        assert describe_part(page["children"][2]) == "#search-results"
        assert describe_part(page) == "the part holding #counter-button"
