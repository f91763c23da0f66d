"""Layout: sections (plain and expandable), a centred column, a row that wraps, and space."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from reactpy import component, html, use_state
from reactpy.core.types import VdomDict

from heavy.ui import Component, heavy_event
from heavy_stack.frontend.components.element_attributes import class_names, element_attributes

SpaceSize = Literal["small", "medium", "large"]


def Section(
    *children: Component,
    title: str | None = None,
    id: str | None = None,
    class_name: str = "",
) -> VdomDict:
    """A card-like ``<section>``; ``title`` becomes its ``<h2>`` and names it for screen readers."""
    heading_id = f"{id}-title" if id and title else None
    return html.section(
        element_attributes(id=id, class_name=class_names("section", class_name), aria_labelledby=heading_id),
        *([html.h2(element_attributes(id=heading_id, class_name="section-title"), title)] if title else []),
        *children,
    )


@component
def ExpandableSection(
    *children: Component,
    title: str,
    id: str,
    expanded_children: Sequence[Component] = (),
    start_expanded: bool = False,
    one_way: bool = False,
    on_toggle: Callable[[bool], Any] | None = None,
    class_name: str = "",
) -> Component:
    """A section whose ``expanded_children`` appear when its title button is pressed.

    ``children`` always show (a summary). Expanded children are rendered only once expanded, so
    costly content is not built until someone asks for it. ``one_way=True``: once expanded it
    stays expanded (the button goes away). ``on_toggle(expanded)`` hears each change. The title
    is a real button (``aria-expanded``), so keyboards and screen readers can use it.
    """
    expanded, set_expanded = use_state(start_expanded)
    content_id = f"{id}-content"

    def toggle(_event: object) -> None:
        now_expanded = not expanded
        set_expanded(now_expanded)
        if on_toggle is not None:
            on_toggle(now_expanded)

    if expanded and one_way:
        header: VdomDict = html.h2({"class_name": "section-title"}, title)
    else:
        header = html.h2(
            {"class_name": "section-title"},
            html.button(
                {
                    "id": f"{id}-toggle",
                    "type": "button",
                    "class_name": "expander",
                    "aria_expanded": "true" if expanded else "false",
                    "aria_controls": content_id,
                    "on_click": heavy_event(toggle),
                },
                html.span({"class_name": "expander-title"}, title),
                html.span(
                    {"class_name": "expander-hint", "aria_hidden": "true"},
                    "Hide" if expanded else ("Show" if one_way else "Show more"),
                ),
            ),
        )
    return html.section(
        {
            "id": id,
            "class_name": class_names(
                "section", "expandable-section", "is-expanded" if expanded else "is-collapsed", class_name
            ),
        },
        header,
        *children,
        html.div(
            element_attributes(id=content_id, class_name="expandable-content", hidden=not expanded),
            *(expanded_children if expanded else ()),
        ),
    )


def CenteredColumn(*children: Component, id: str | None = None, class_name: str = "") -> VdomDict:
    """Children stacked in a column and centred, each no wider than a comfortable reading width."""
    return html.div(
        element_attributes(id=id, class_name=class_names("centered-column", class_name)), *children
    )


def FlexRow(
    *children: Component,
    id: str | None = None,
    class_name: str = "",
    justify: Literal["start", "center", "end", "between"] = "start",
    align: Literal["start", "center", "end", "baseline", "stretch"] = "center",
) -> VdomDict:
    """Children side by side with a gap, wrapping onto new lines when the screen is narrow."""
    return html.div(
        element_attributes(
            id=id, class_name=class_names("flex-row", f"justify-{justify}", f"align-{align}", class_name)
        ),
        *children,
    )


def Spacer(size: SpaceSize = "medium") -> VdomDict:
    """Vertical space between blocks that have no margin of their own."""
    return html.div({"class_name": f"spacer spacer-{size}", "aria_hidden": "true"})
