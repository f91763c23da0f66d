"""Layout pieces of the kit; ExpandableSection rendered in ReactPy's Layout and clicked."""

from __future__ import annotations

from reactpy import component, html

from heavy.ui.types import Component
from heavy_stack.frontend.components.layout import CenteredColumn, ExpandableSection, FlexRow, Section, Spacer
from tests.support.layout import render_layout, vdom


class TestSection:
    def test_a_titled_section_is_named_by_its_heading(self) -> None:
        section = vdom(Section(html.p("body"), title="Orders", id="orders"))

        assert section["attributes"] == {
            "id": "orders",
            "class_name": "section",
            "aria_labelledby": "orders-title",
        }
        heading, body = section["children"]
        assert heading["tagName"] == "h2"
        assert heading["attributes"]["id"] == "orders-title"
        assert body == html.p("body")

    def test_without_title_or_id_it_is_just_a_section(self) -> None:
        assert vdom(Section("x", class_name="wide")) == {
            "tagName": "section",
            "attributes": {"class_name": "section wide"},
            "children": ["x"],
        }


class TestRowsColumnsAndSpace:
    def test_flex_row_names_its_alignment_in_classes(self) -> None:
        row = vdom(FlexRow("a", "b", justify="between", align="start"))

        assert row["attributes"]["class_name"] == "flex-row justify-between align-start"
        assert row["children"] == ["a", "b"]

    def test_centered_column_and_spacer(self) -> None:
        assert vdom(CenteredColumn("a"))["attributes"]["class_name"] == "centered-column"
        assert vdom(Spacer("large"))["attributes"] == {
            "class_name": "spacer spacer-large",
            "aria_hidden": "true",
        }


class TestExpandableSection:
    async def test_toggles_open_and_closed_rendering_expanded_children_only_when_open(self) -> None:
        toggles: list[bool] = []

        @component
        def Page() -> Component:
            return ExpandableSection(
                html.p("summary"),
                title="Details",
                id="details",
                expanded_children=[html.p({"id": "more"}, "more")],
                on_toggle=toggles.append,
            )

        async with render_layout(Page()) as page:
            toggle = page.get("details-toggle")
            assert toggle["attributes"]["aria_expanded"] == "false"
            assert toggle["attributes"]["aria_controls"] == "details-content"
            assert page.get("details-content")["attributes"]["hidden"] is True
            assert page.find("more") is None

            await page.trigger("details-toggle", "on_click", {})
            await page.wait_for(lambda p: p.find("more") is not None)
            assert page.get("details-toggle")["attributes"]["aria_expanded"] == "true"
            assert "hidden" not in page.get("details-content").get("attributes", {})

            await page.trigger("details-toggle", "on_click", {})
            await page.wait_for(lambda p: p.find("more") is None)

        assert toggles == [True, False]

    async def test_one_way_section_stays_open_and_drops_its_button(self) -> None:
        @component
        def Page() -> Component:
            return ExpandableSection(
                title="Once", id="once", one_way=True, expanded_children=[html.p({"id": "inside"}, "inside")]
            )

        async with render_layout(Page()) as page:
            await page.trigger("once-toggle", "on_click", {})
            await page.wait_for(lambda p: p.find("inside") is not None)

            assert page.find("once-toggle") is None
            assert page.text_of("once").startswith("Once")

    async def test_can_start_expanded(self) -> None:
        @component
        def Page() -> Component:
            return ExpandableSection(
                title="Open", id="open", start_expanded=True, expanded_children=[html.p({"id": "shown"}, "x")]
            )

        async with render_layout(Page()) as page:
            assert page.find("shown") is not None
