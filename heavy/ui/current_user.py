"""The signed-in user in components, and pages that require one."""

from __future__ import annotations

from urllib.parse import quote

from reactpy import component
from reactpy.core.hooks import use_connection, use_location
from reactpy_router import navigate

from heavy.accounts.users import AnonymousUser, User
from heavy.ui.types import Component
from heavy.web.api_requests import request_user

LOGIN_PATH = "/login"


def use_current_user() -> User | AnonymousUser:
    """The user of this connection (loaded from the session cookie when the websocket opened)."""
    return request_user(use_connection().carrier.request.ctx)


@component
def LoginRequired(page: Component) -> Component:
    """Render ``page`` for a signed-in user; send anyone else to the login page, then back here."""
    user = use_current_user()
    location = use_location()
    if user.is_authenticated:
        return page
    return navigate(f"{LOGIN_PATH}?next={quote(location.pathname + location.search, safe='/')}", replace=True)
