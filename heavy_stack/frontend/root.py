"""The root component: one route per page. Add a page here and it is served at its path."""

from reactpy import component
from reactpy_router import browser_router, route

from heavy_stack.frontend.pages.landing_page import LandingPage
from heavy_stack.frontend.pages.not_found_page import NotFoundPage
from heavy_stack.frontend.pages.other_page import OtherPage
from heavy_stack.frontend.types import Component


@component
def Root() -> Component:
    return browser_router(
        route("/", LandingPage()),
        route("/other", OtherPage()),
        route("{404:any}", NotFoundPage()),
    )
