"""The text pieces of the kit: what HTML they produce."""

from __future__ import annotations

from heavy.realtime.stream_client import text_content
from heavy_stack.frontend.components.text import BulletedList, PageTitle, paragraph, preformatted
from tests.support.layout import vdom


class TestPageTitle:
    def test_is_one_h1_with_an_optional_subtitle(self) -> None:
        title = vdom(PageTitle("Orders", "Everything you bought"))

        assert title["tagName"] == "header"
        heading, subtitle = title["children"]
        assert (heading["tagName"], text_content(heading)) == ("h1", "Orders")
        assert (subtitle["tagName"], text_content(subtitle)) == ("p", "Everything you bought")

    def test_without_subtitle_has_only_the_heading(self) -> None:
        assert [child["tagName"] for child in vdom(PageTitle("Orders"))["children"]] == ["h1"]


class TestParagraph:
    def test_indented_source_text_flows_as_one_line(self) -> None:
        element = paragraph(
            """
            First line of source,
                second line.
            """
        )

        assert element["tagName"] == "p"
        assert element["children"] == ["First line of source, second line."]


class TestPreformatted:
    def test_dedents_but_keeps_line_breaks_and_inner_indentation(self) -> None:
        element = preformatted(
            """
            def f():
                return 1
            """
        )

        assert element["tagName"] == "pre"
        assert element["children"] == ["def f():\n    return 1"]
        assert "preformatted" in element["attributes"]["class_name"]

    def test_a_labelled_block_is_a_named_focusable_region(self) -> None:
        attributes = vdom(preformatted("x", label="Example"))["attributes"]

        assert attributes["role"] == "region"
        assert attributes["aria_label"] == "Example"
        assert attributes["tab_index"] == 0


class TestBulletedList:
    def test_tuples_nest_lists(self) -> None:
        element = vdom(BulletedList("one", ("two", "two a", ("two b", "two b i")), "three"))

        items = element["children"]
        assert [item["children"][0] for item in items] == ["one", "two", "three"]
        nested = items[1]["children"][1]
        assert nested["tagName"] == "ul"
        assert [item["children"][0] for item in nested["children"]] == ["two a", "two b"]
        assert text_content(nested["children"][1]["children"][1]) == "two b i"

    def test_a_multi_line_string_is_one_item_per_line(self) -> None:
        element = vdom(
            BulletedList(
                """
                first
                  second

                third
                """
            )
        )

        assert [item["children"] for item in element["children"]] == [["first"], ["second"], ["third"]]

    def test_a_one_line_string_is_one_item(self) -> None:
        assert [item["children"] for item in vdom(BulletedList("only"))["children"]] == [["only"]]
