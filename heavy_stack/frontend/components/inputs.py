"""Inputs: a labelled line, a labelled text area, a labelled number, and a button.

Each field is a ``<label>`` and its control (plus an optional hint the control is described by),
so every input has an accessible name; ``error`` shows what is wrong with the value right under
the control (announced to screen readers, the control marked invalid). ``on_change`` /
``on_click`` handlers go through heavy_event: a plain function gets the event, an async one gets
a HeavyContext first. Leave
``value`` unset for a field the user fills in freely and that is read on submit
(``get_input_by_id``); set it (with ``on_change``) for a field the server keeps in step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from reactpy import html
from reactpy.core.types import VdomDict

from heavy.ui import heavy_event
from heavy_stack.frontend.components.element_attributes import class_names, element_attributes

EventHandlerFunction = Callable[..., Any]
LineInputType = Literal["text", "email", "password", "search", "tel", "url"]


def LineInput(
    *,
    id: str,
    label: str,
    value: str | None = None,
    on_change: EventHandlerFunction | None = None,
    type: LineInputType = "text",
    placeholder: str | None = None,
    hint: str | None = None,
    error: str | None = None,
    required: bool = False,
    max_length: int | None = None,
    autocomplete: str = "off",
    hide_label: bool = False,
    class_name: str = "",
) -> VdomDict:
    """A one-line text field with its label."""
    return _field(
        id,
        label,
        hint,
        error,
        hide_label,
        class_name,
        html.input(
            {
                **_control_attributes(id, hint, error, on_change, required=required),
                **element_attributes(
                    type=type,
                    value=value,
                    placeholder=placeholder,
                    max_length=max_length,
                    autocomplete=autocomplete,
                    class_name="line-input",
                ),
            }
        ),
    )


def TextInput(
    *,
    id: str,
    label: str,
    value: str | None = None,
    on_change: EventHandlerFunction | None = None,
    rows: int = 4,
    placeholder: str | None = None,
    hint: str | None = None,
    error: str | None = None,
    required: bool = False,
    max_length: int | None = None,
    hide_label: bool = False,
    class_name: str = "",
) -> VdomDict:
    """A multi-line text field with its label; the user can make it taller."""
    return _field(
        id,
        label,
        hint,
        error,
        hide_label,
        class_name,
        html.textarea(
            {
                **_control_attributes(id, hint, error, on_change, required=required),
                **element_attributes(
                    value=value,
                    rows=rows,
                    placeholder=placeholder,
                    max_length=max_length,
                    class_name="text-input",
                ),
            }
        ),
    )


def NumberInput(
    *,
    id: str,
    label: str,
    value: int | float,
    on_change: EventHandlerFunction | None = None,
    minimum: int | float | None = None,
    maximum: int | float | None = None,
    float_step: str = "0.1",
    hint: str | None = None,
    error: str | None = None,
    required: bool = False,
    hide_label: bool = False,
    class_name: str = "",
) -> VdomDict:
    """A number field: whole-number steps for an ``int`` value, ``float_step`` steps for a ``float``.

    The event's value is text, as the browser sends it (``""`` while the field is empty): parse
    it in ``on_change``.
    """
    step = "1" if isinstance(value, int) and not isinstance(value, bool) else float_step
    return _field(
        id,
        label,
        hint,
        error,
        hide_label,
        class_name,
        html.input(
            {
                **_control_attributes(id, hint, error, on_change, required=required),
                **element_attributes(
                    type="number",
                    value=value,
                    step=step,
                    min=minimum,
                    max=maximum,
                    input_mode="numeric" if step == "1" else "decimal",
                    class_name="line-input number-input",
                ),
            }
        ),
    )


def Button(
    label: str,
    *,
    on_click: EventHandlerFunction | None = None,
    submit: bool = False,
    id: str | None = None,
    variant: Literal["primary", "secondary"] = "primary",
    disabled: bool = False,
    class_name: str = "",
) -> VdomDict:
    """A button. ``submit=True`` submits its form (the form's ``on_submit`` runs); otherwise it is a
    plain button that only runs ``on_click``."""
    attributes: dict[str, Any] = element_attributes(
        id=id,
        type="submit" if submit else "button",
        disabled=disabled,
        class_name=class_names("button", f"button-{variant}", class_name),
    )
    if on_click is not None:
        attributes["on_click"] = heavy_event(on_click)
    return html.button(attributes, label)


def _control_attributes(
    id: str, hint: str | None, error: str | None, on_change: EventHandlerFunction | None, *, required: bool
) -> dict[str, Any]:
    described_by = class_names(f"{id}-hint" if hint else None, f"{id}-error" if error else None)
    attributes: dict[str, Any] = element_attributes(
        id=id,
        name=id,
        required=required,
        aria_describedby=described_by or None,
        aria_invalid="true" if error else None,
    )
    if on_change is not None:
        attributes["on_change"] = heavy_event(on_change)
    return attributes


def _field(
    id: str,
    label: str,
    hint: str | None,
    error: str | None,
    hide_label: bool,
    class_name: str,
    control: VdomDict,
) -> VdomDict:
    return html.div(
        {"class_name": class_names("field", class_name)},
        html.label(
            {
                "html_for": id,
                "class_name": class_names("field-label", "visually-hidden" if hide_label else None),
            },
            label,
        ),
        control,
        *([html.p({"id": f"{id}-hint", "class_name": "field-hint"}, hint)] if hint else []),
        *(
            [html.p({"id": f"{id}-error", "class_name": "field-error", "role": "alert"}, error)]
            if error
            else []
        ),
    )
