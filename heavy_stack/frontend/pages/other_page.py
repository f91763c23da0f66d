"""A second page, to show routing without a full page load."""

from reactpy import component, html
from reactpy_router import link

from heavy_stack.frontend.types import Component


@component
def OtherPage() -> Component:
    return html.main(
        {"class_name": "page"},
        html.h1("Another page"),
        html.p("Routed on the client: the websocket and the state of the app stay open."),
        html.p(link({"to": "/", "id": "to-landing-page"}, "Back to the landing page")),
    )
