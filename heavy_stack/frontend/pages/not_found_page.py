"""Shown for any path no route matches."""

from reactpy import component, html
from reactpy_router import link

from heavy_stack.frontend.types import Component


@component
def NotFoundPage() -> Component:
    return html.main(
        {"class_name": "page"},
        html.h1("Page not found"),
        html.p(link({"to": "/"}, "Go to the landing page")),
    )
