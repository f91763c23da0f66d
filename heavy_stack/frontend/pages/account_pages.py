"""Sign up, log in, and an account page that requires login.

The forms post natively to ``/auth/signup`` and ``/auth/login`` (``backend/auth.py``): only an HTTP
response can set the HttpOnly session cookie, and passwords never go through the websocket. A
failed attempt comes back as ``?error=<code>``; the message shown for each code is generic, so it
never says whether an account exists. A sign-up, new email or taken, lands on the login page with
``?notice=check_email`` (the mail says which it was); a new account logs in there with its password.
``?next=`` (where to go afterwards) is only ever a path on this site.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from reactpy import component, html
from reactpy.core.hooks import use_location

from heavy.accounts import User, safe_next_path
from heavy.ui import Component, use_current_user
from heavy_stack.frontend.components.forms import HttpForm, hidden_input
from heavy_stack.frontend.components.inputs import Button, LineInput
from heavy_stack.frontend.components.layout import CenteredColumn, FlexRow, Section
from heavy_stack.frontend.components.links import RouterLink
from heavy_stack.frontend.components.text import PageTitle, paragraph

LOGIN_ERRORS = {
    "invalid": "Email or password is incorrect.",
    "rate_limited": "Too many attempts. Try again in 15 minutes.",
}
LOGIN_NOTICES = {
    "check_email": (
        "Thank you. We have sent a message to the address you gave. "
        "If it is a new account, you can log in now with the password you chose."
    ),
}
SIGNUP_ERRORS = {
    "invalid_email": "Enter an email address such as ada@example.com.",
    "weak_password": "Use a password of at least 10 characters.",
    "invalid_display_name": "Use a name of at most 100 characters.",
    "rate_limited": "Too many attempts. Try again in 15 minutes.",
}


def use_query() -> dict[str, str]:
    """The page's query string, first value of each parameter."""
    return {name: values[0] for name, values in parse_qs(use_location().search.lstrip("?")).items()}


def error_message(messages: dict[str, str], code: str | None) -> Component:
    if not code:
        return None
    text = messages.get(code, "Something went wrong. Please try again.")
    return html.p({"id": "form-error", "class_name": "form-error", "role": "alert"}, text)


def notice_message(code: str | None) -> Component:
    text = LOGIN_NOTICES.get(code or "")
    if not text:
        return None
    return html.p({"id": "form-notice", "class_name": "form-notice", "role": "status"}, text)


@component
def LoginPage() -> Component:
    query = use_query()
    next_path = safe_next_path(query.get("next"))
    return CenteredColumn(
        PageTitle("Log in", "Welcome back."),
        Section(
            notice_message(query.get("notice")),
            error_message(LOGIN_ERRORS, query.get("error")),
            HttpForm(
                LineInput(id="email", label="Email", type="email", autocomplete="email", required=True),
                LineInput(
                    id="password",
                    label="Password",
                    type="password",
                    autocomplete="current-password",
                    required=True,
                ),
                hidden_input("next", next_path),
                Button("Log in", submit=True, id="login-submit"),
                action="/auth/login",
                id="login-form",
                label="Log in",
            ),
            paragraph("No account yet?"),
            RouterLink("Create an account", to=_with_next("/signup", next_path), id="to-signup"),
        ),
    )


@component
def SignupPage() -> Component:
    query = use_query()
    next_path = safe_next_path(query.get("next"))
    return CenteredColumn(
        PageTitle("Create an account", "An email address and a password are all it takes."),
        Section(
            error_message(SIGNUP_ERRORS, query.get("error")),
            HttpForm(
                LineInput(id="display_name", label="Your name", autocomplete="name", max_length=100),
                LineInput(id="email", label="Email", type="email", autocomplete="email", required=True),
                LineInput(
                    id="password",
                    label="Password",
                    type="password",
                    autocomplete="new-password",
                    hint="At least 10 characters.",
                    required=True,
                ),
                hidden_input("next", next_path),
                Button("Create account", submit=True, id="signup-submit"),
                action="/auth/signup",
                id="signup-form",
                label="Create an account",
            ),
            paragraph("Already have an account?"),
            RouterLink("Log in", to=_with_next("/login", next_path), id="to-login"),
        ),
    )


@component
def AccountPage() -> Component:
    """Only for signed-in users (the route wraps it in LoginRequired)."""
    user = use_current_user()
    assert isinstance(user, User), "LoginRequired renders this page for signed-in users only"
    return CenteredColumn(
        PageTitle("Your account"),
        Section(
            html.dl(
                html.dt("Name"),
                html.dd({"id": "account-name"}, user.display_name),
                html.dt("Member since"),
                html.dd(user.created_at.strftime("%d %B %Y")),
            ),
            FlexRow(LogoutButton()),
        ),
    )


def LogoutButton() -> Component:
    return HttpForm(
        Button("Log out", submit=True, id="logout-submit", variant="secondary"), action="/auth/logout"
    )


@component
def AccountMenu() -> Component:
    """The header's sign-in state: links to log in and sign up, or the user's name and Log out."""
    user = use_current_user()
    if isinstance(user, User):
        return FlexRow(
            RouterLink(user.display_name, to="/account", id="account-link", class_name="nav-link"),
            LogoutButton(),
            class_name="account-menu",
        )
    return FlexRow(
        RouterLink("Log in", to="/login", id="login-link", class_name="nav-link"),
        RouterLink("Sign up", to="/signup", id="signup-link", class_name="nav-link"),
        class_name="account-menu",
    )


def _with_next(path: str, next_path: str) -> str:
    """``path`` carrying ``next`` along, encoded: a ``?`` or ``&`` in it must not end the value."""
    return path if next_path == "/" else f"{path}?{urlencode({'next': next_path}, safe='/')}"
