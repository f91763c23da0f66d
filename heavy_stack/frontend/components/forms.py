"""Forms: submit handlers that read the submitted fields by id.

ReactPy's client sends a submit event with ``target.elements``: each control's tag, ``value`` and
``checked``, in document order, but not its id. ``Form`` knows which ids it rendered, in the same
order, and adds them to the event before your handler runs, so ``get_input_by_id(event, "name")``
finds a field. It sees the controls of the elements it is given, including those inside the
kit's plain-function pieces (Section, FlexRow, LineInput, ...), but not inside a ``@component``:
when the submitted controls and the ones it saw differ, it adds no ids and ``get_input_by_id``
says so. (Or keep fields in state with ``on_change``, as the vector-search section does.)
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from reactpy import html
from reactpy.core.types import VdomDict

from heavy.ui import Component, HeavyContext, heavy_event
from heavy_stack.frontend.components.element_attributes import class_names, element_attributes

# What HTMLFormElement.elements lists (its "listed elements", minus form-associated custom ones).
_FORM_CONTROL_TAGS = frozenset({"button", "fieldset", "input", "object", "output", "select", "textarea"})


class FormInputNotFoundError(LookupError):
    """``get_input_by_id`` found no submitted field with that id."""


def Form(
    *children: Component,
    on_submit: Callable[..., Any],
    id: str | None = None,
    class_name: str = "",
    label: str | None = None,
) -> VdomDict:
    """A ``<form>`` whose ``on_submit(event)`` (or ``async on_submit(context, event)``) can call
    ``get_input_by_id(event, ...)``. The browser's own submission (a page load) never happens."""
    control_ids = tuple(_control_ids(children))

    if inspect.iscoroutinefunction(on_submit):

        async def submit_with_context(context: HeavyContext, event: Any) -> None:
            await on_submit(context, with_input_ids(event, control_ids))

        handler = heavy_event(submit_with_context, prevent_default=True)
    else:

        def submit(event: Any) -> None:
            on_submit(with_input_ids(event, control_ids))

        handler = heavy_event(submit, prevent_default=True)

    return html.form(
        {
            **element_attributes(id=id, class_name=class_names("form", class_name), aria_label=label),
            "on_submit": handler,
        },
        *children,
    )


def get_input_by_id(event: Any, input_id: str) -> dict[str, Any]:
    """The submitted field with id ``input_id`` (``{"tagName", "value", "checked", "id"}``).

    Raises FormInputNotFoundError, naming the ids it has, when there is none.
    """
    elements = _submitted_elements(event, "target")
    for element in elements:
        if element.get("id") == input_id:
            return element
    known = [element["id"] for element in elements if isinstance(element.get("id"), str)]
    if not known:
        raise FormInputNotFoundError(
            f"no field {input_id!r} in this submit event, and no field ids at all: use the kit's Form "
            "and render its inputs directly in it (not inside a @component)"
        )
    raise FormInputNotFoundError(f"no field {input_id!r} in this submit event; it has {', '.join(known)}")


def with_input_ids(event: Any, control_ids: tuple[tuple[str, str | None], ...]) -> Any:
    """A copy of a submit ``event`` whose elements carry the ids of ``control_ids`` (tag, id),
    when the submitted controls are exactly those (same count, same tags, same order)."""
    event = copy.deepcopy(event)
    for side in ("target", "currentTarget"):
        elements = _submitted_elements(event, side)
        tags = [str(element.get("tagName", "")).lower() for element in elements]
        if tags != [tag for tag, _ in control_ids]:
            continue
        for element, (_, control_id) in zip(elements, control_ids, strict=True):
            if control_id is not None:
                element["id"] = control_id
    return event


def _submitted_elements(event: Any, side: str) -> list[dict[str, Any]]:
    """The elements list of a submit event, keeping only well-formed entries (the event is untrusted)."""
    form = event.get(side) if isinstance(event, dict) else None
    elements = form.get("elements") if isinstance(form, dict) else None
    if not isinstance(elements, list):
        return []
    return [element for element in elements if isinstance(element, dict)]


def _control_ids(children: Any) -> Iterator[tuple[str, str | None]]:
    """(tag, id) of each form control among ``children``, in document order."""
    for child in children if isinstance(children, list | tuple) else (children,):
        if not isinstance(child, dict):
            continue  # text, or a component: its controls are not visible here
        tag = str(child.get("tagName", "")).lower()
        if tag in _FORM_CONTROL_TAGS:
            yield tag, child.get("attributes", {}).get("id")
        yield from _control_ids(child.get("children", ()))


def HttpForm(
    *children: Component,
    action: str,
    id: str | None = None,
    class_name: str = "",
    label: str | None = None,
) -> VdomDict:
    """A ``<form>`` the browser posts itself to ``action`` (a page load, no websocket event).

    For what only an HTTP response can do, such as setting an HttpOnly cookie: the login,
    sign-up and logout forms post to ``/auth/...`` this way (docs/accounts-and-security.md).
    Fields are sent under their ``name`` (the kit's inputs use their id as their name).
    """
    return html.form(
        element_attributes(
            id=id, action=action, method="post", class_name=class_names("form", class_name), aria_label=label
        ),
        *children,
    )


def hidden_input(name: str, value: str) -> VdomDict:
    """A field the form posts without showing it (``next`` paths, for example)."""
    return html.input({"type": "hidden", "name": name, "value": value})
