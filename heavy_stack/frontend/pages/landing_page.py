"""The landing page: what a visitor sees first, and a working example of each piece of the stack."""

from reactpy import component, html, use_state
from reactpy_router import link

from heavy_stack.frontend.components.vector_search_section import VectorSearchSection
from heavy_stack.frontend.reactpy_util import heavy_event
from heavy_stack.frontend.types import Component


@component
def LandingPage() -> Component:
    return html.main(
        {"class_name": "page"},
        html.h1("Heavy Stack"),
        html.p("Full-stack web apps in Python, top to bottom."),
        ClickCounter(),
        VectorSearchSection(),
        html.p(link({"to": "/other", "id": "to-other-page"}, "Another page")),
    )


@component
def ClickCounter() -> Component:
    count, set_count = use_state(0)

    def increment(_event: object) -> None:
        set_count(lambda current: current + 1)  # the functional form never loses a concurrent click

    return html.section(
        {"class_name": "section", "id": "click-counter"},
        html.h2("Counter"),
        html.button({"id": "counter-button", "on_click": heavy_event(increment)}, f"Clicked {count} times"),
    )
