"""Inputs of the kit: labelled controls, steps, button types, handlers through heavy_event."""

from __future__ import annotations

from typing import Any

from reactpy import component, html, use_state

from heavy.ui.types import Component
from heavy_stack.frontend.components.inputs import Button, LineInput, NumberInput, TextInput
from tests.support.layout import render_layout, vdom


def control_of(field: dict[str, Any]) -> dict[str, Any]:
    _label, control, *_ = field["children"]
    return dict(control)


class TestLineInput:
    def test_is_a_label_bound_to_its_input(self) -> None:
        field = vdom(LineInput(id="email", label="Email", type="email", hint="We never share it"))

        label, control, hint = field["children"]
        assert label["tagName"] == "label"
        assert label["attributes"]["html_for"] == "email"
        assert label["children"] == ["Email"]
        assert control["tagName"] == "input"
        assert control["attributes"]["id"] == "email"
        assert control["attributes"]["type"] == "email"
        assert control["attributes"]["aria_describedby"] == "email-hint"
        assert hint["attributes"]["id"] == "email-hint"

    def test_an_error_shows_under_the_control_which_is_marked_invalid(self) -> None:
        field = vdom(LineInput(id="message", label="Message", hint="Be kind", error="Write a message first."))

        _label, control, hint, error = field["children"]
        assert hint["attributes"]["id"] == "message-hint"
        assert error["attributes"] == {"id": "message-error", "class_name": "field-error", "role": "alert"}
        assert error["children"] == ["Write a message first."]
        assert control["attributes"]["aria_invalid"] == "true"
        assert control["attributes"]["aria_describedby"] == "message-hint message-error"

    def test_without_an_error_the_control_is_not_marked_invalid(self) -> None:
        field = vdom(LineInput(id="message", label="Message"))

        assert len(field["children"]) == 2
        assert "aria_invalid" not in control_of(field)["attributes"]
        assert "aria_describedby" not in control_of(field)["attributes"]

    def test_an_unset_value_leaves_the_field_to_the_user(self) -> None:
        assert "value" not in control_of(vdom(LineInput(id="free", label="Free")))["attributes"]
        assert control_of(vdom(LineInput(id="kept", label="Kept", value="x")))["attributes"]["value"] == "x"

    def test_a_hidden_label_is_still_there_for_screen_readers(self) -> None:
        label = vdom(LineInput(id="q", label="Search", hide_label=True))["children"][0]

        assert "visually-hidden" in label["attributes"]["class_name"]
        assert label["children"] == ["Search"]

    async def test_on_change_reaches_the_handler(self) -> None:
        @component
        def Page() -> Component:
            text, set_text = use_state("")
            return html.div(
                LineInput(
                    id="name", label="Name", value=text, on_change=lambda e: set_text(e["target"]["value"])
                ),
                html.p({"id": "echo"}, text),
            )

        async with render_layout(Page()) as page:
            await page.trigger("name", "on_change", {"target": {"value": "Ada"}})
            await page.wait_for(lambda p: p.text_of("echo") == "Ada")


class TestTextInput:
    def test_is_a_labelled_textarea_with_rows(self) -> None:
        control = control_of(vdom(TextInput(id="note", label="Note", rows=6, max_length=100)))

        assert control["tagName"] == "textarea"
        assert control["attributes"]["rows"] == 6
        assert control["attributes"]["max_length"] == 100

    def test_an_error_shows_under_the_textarea(self) -> None:
        field = vdom(TextInput(id="note", label="Note", error="Too long."))

        assert field["children"][-1]["children"] == ["Too long."]
        assert control_of(field)["attributes"]["aria_describedby"] == "note-error"


class TestNumberInput:
    def test_an_int_value_steps_by_whole_numbers(self) -> None:
        attributes = control_of(vdom(NumberInput(id="n", label="N", value=3)))["attributes"]

        assert (attributes["type"], attributes["step"], attributes["value"]) == ("number", "1", 3)
        assert attributes["input_mode"] == "numeric"

    def test_a_float_value_steps_by_the_float_step(self) -> None:
        default = control_of(vdom(NumberInput(id="x", label="X", value=1.5)))["attributes"]
        custom = control_of(vdom(NumberInput(id="y", label="Y", value=1.0, float_step="0.01")))["attributes"]

        assert (default["step"], default["input_mode"]) == ("0.1", "decimal")
        assert custom["step"] == "0.01"

    def test_bounds_become_min_and_max(self) -> None:
        attributes = control_of(vdom(NumberInput(id="n", label="N", value=1, minimum=0, maximum=10)))[
            "attributes"
        ]

        assert (attributes["min"], attributes["max"]) == (0, 10)


class TestButton:
    def test_is_a_plain_button_unless_it_submits(self) -> None:
        assert vdom(Button("Go"))["attributes"]["type"] == "button"
        assert vdom(Button("Send", submit=True))["attributes"]["type"] == "submit"
        assert "eventHandlers" not in vdom(Button("Go"))

    def test_variant_and_disabled(self) -> None:
        attributes = vdom(Button("Later", variant="secondary", disabled=True))["attributes"]

        assert attributes["class_name"] == "button button-secondary"
        assert attributes["disabled"] is True

    async def test_on_click_runs_through_heavy_event(self) -> None:
        @component
        def Page() -> Component:
            count, set_count = use_state(0)
            return Button(f"{count}", id="b", on_click=lambda _: set_count(count + 1))

        async with render_layout(Page()) as page:
            await page.trigger("b", "on_click", {})
            await page.wait_for(lambda p: p.text_of("b") == "1")
