"""Shown for any path no route matches."""

from reactpy import component, html

from heavy.ui import Component
from heavy_stack.frontend.components.layout import Section
from heavy_stack.frontend.components.links import RouterLink
from heavy_stack.frontend.components.text import PageTitle, paragraph


@component
def NotFoundPage() -> Component:
    return html.div(
        {"class_name": "page"},
        PageTitle("Page not found"),
        Section(
            paragraph("There is no page at this address."),
            RouterLink("Go to the landing page", to="/", id="not-found-home-link"),
        ),
    )
