"""Form and get_input_by_id: submitted fields found by id, with ReactPy's real submit event shape."""

from __future__ import annotations

from typing import Any

import pytest
from reactpy import component, html, use_state

from heavy.ui.types import Component
from heavy_stack.frontend.components.forms import (
    Form,
    FormInputNotFoundError,
    get_input_by_id,
    with_input_ids,
)
from heavy_stack.frontend.components.inputs import Button, LineInput, NumberInput
from heavy_stack.frontend.components.layout import Section
from tests.support.layout import render_layout


def submit_event(*elements: tuple[str, str]) -> dict[str, Any]:
    """A submit event as ReactPy 1.1.0's client sends it: tag, value, checked, but no ids."""
    form = {
        "tagName": "FORM",
        "boundingClientRect": {},
        "elements": [
            {"tagName": tag, "boundingClientRect": {}, "value": value, "checked": False}
            for tag, value in elements
        ],
    }
    return {"type": "submit", "target": form, "currentTarget": form, "defaultPrevented": True}


@component
def Greeting() -> Component:
    greeting, set_greeting = use_state("")

    def say_hello(event: dict[str, Any]) -> None:
        set_greeting(f"{get_input_by_id(event, 'name')['value']} x{get_input_by_id(event, 'times')['value']}")

    return html.div(
        Form(
            Section(LineInput(id="name", label="Name"), NumberInput(id="times", label="Times", value=1)),
            Button("Go", submit=True, id="go"),
            on_submit=say_hello,
            id="form",
        ),
        html.p({"id": "greeting"}, greeting),
    )


class TestForm:
    async def test_submit_handler_reads_fields_by_id(self) -> None:
        async with render_layout(Greeting()) as page:
            await page.trigger(
                "form", "on_submit", submit_event(("INPUT", "Ada"), ("INPUT", "3"), ("BUTTON", ""))
            )
            await page.wait_for(lambda p: p.text_of("greeting") == "Ada x3")

    async def test_prevents_the_browsers_own_submission(self) -> None:
        async with render_layout(Greeting()) as page:
            assert page.get("form")["eventHandlers"]["on_submit"]["preventDefault"] is True


class TestWithInputIds:
    def test_adds_ids_in_document_order_without_changing_the_event(self) -> None:
        event = submit_event(("INPUT", "a"), ("BUTTON", ""))

        annotated = with_input_ids(event, (("input", "name"), ("button", None)))

        assert [element.get("id") for element in annotated["target"]["elements"]] == ["name", None]
        assert "id" not in event["target"]["elements"][0]

    def test_adds_nothing_when_the_submitted_controls_differ_from_the_rendered_ones(self) -> None:
        event = submit_event(("INPUT", "a"), ("INPUT", "hidden in a component"), ("BUTTON", ""))

        annotated = with_input_ids(event, (("input", "name"), ("button", None)))

        assert all("id" not in element for element in annotated["target"]["elements"])

    @pytest.mark.parametrize("event", [None, "x", {}, {"target": "x"}, {"target": {"elements": "x"}}])
    def test_a_malformed_event_passes_through(self, event: Any) -> None:
        assert with_input_ids(event, (("input", "name"),)) == event


class TestGetInputById:
    def test_finds_the_field(self) -> None:
        event = with_input_ids(submit_event(("INPUT", "Ada")), (("input", "name"),))

        assert get_input_by_id(event, "name")["value"] == "Ada"

    def test_names_the_ids_it_has_when_the_field_is_missing(self) -> None:
        event = with_input_ids(submit_event(("INPUT", "Ada")), (("input", "name"),))

        with pytest.raises(FormInputNotFoundError, match=r"no field 'email' .* it has name"):
            get_input_by_id(event, "email")

    def test_explains_what_to_do_when_the_event_has_no_ids(self) -> None:
        with pytest.raises(FormInputNotFoundError, match="use the kit's Form"):
            get_input_by_id(submit_event(("INPUT", "Ada")), "name")
