"""The root component: the providers every page uses, then one route per page (each in the app's
frame). Add a page here and it is served at its path."""

from reactpy import component
from reactpy_router import browser_router, route

from heavy.ui import BrythonExecutorProvider, Component, LoginRequired, TimezoneProvider
from heavy_stack.frontend.components.outer_container import OuterContainer
from heavy_stack.frontend.pages.account_pages import AccountPage, LoginPage, SignupPage
from heavy_stack.frontend.pages.guestbook_page import GuestbookPage
from heavy_stack.frontend.pages.landing_page import LandingPage
from heavy_stack.frontend.pages.not_found_page import NotFoundPage
from heavy_stack.frontend.pages.other_page import OtherPage


@component
def Root() -> Component:
    return BrythonExecutorProvider(
        TimezoneProvider(
            browser_router(
                route("/", OuterContainer(LandingPage(), current_path="/")),
                route("/other", OuterContainer(OtherPage(), current_path="/other")),
                route("/guestbook", OuterContainer(GuestbookPage(), current_path="/guestbook")),
                route("/login", OuterContainer(LoginPage(), current_path="/login")),
                route("/signup", OuterContainer(SignupPage(), current_path="/signup")),
                route("/account", OuterContainer(LoginRequired(AccountPage()), current_path="/account")),
                route("{404:any}", OuterContainer(NotFoundPage(), current_path="")),
            )
        )
    )
