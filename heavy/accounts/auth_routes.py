"""Sign-up, login and logout over plain HTML form posts, and the user of every request.

Why form posts and not websocket events: the session cookie must be HttpOnly (JavaScript, and so
any injected script, cannot read it), and only an HTTP response can set such a cookie. The login
page is a ReactPy page whose form posts natively to ``/auth/login``; the response sets the cookie
(a new session id: no fixation) and redirects, and the reloaded page opens a new websocket that
carries the cookie. Passwords never travel through the websocket or live in component state.

Sign-up answers the same whether the email is new or taken (the login page, "check your email",
no cookie); the mail says which: a welcome, or "someone tried to sign up with your address".
When every password-hashing turn is taken, login and sign-up answer 429 with ``Retry-After``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from sanic import Blueprint, HTTPResponse, Request, Sanic
from sanic.exceptions import Forbidden
from sanic.request import RequestParameters
from sanic.response import html, json, redirect

from heavy.accounts.account_manager import AccountError, AccountManager
from heavy.accounts.login_throttle import LoginThrottle, create_login_throttle
from heavy.accounts.mail import MailMessage, create_mailer, send_in_background
from heavy.accounts.next_paths import safe_next_path
from heavy.accounts.passwords import PasswordHashingBusy
from heavy.accounts.sessions import SESSION_COOKIE, LoginSession, SessionStore, create_session_store
from heavy.accounts.user_model import UserId
from heavy.accounts.user_mungers import UserModelMunger
from heavy.accounts.user_repository import UserRepository
from heavy.accounts.users import ANONYMOUS_USER
from heavy.config import HeavySettings
from heavy.data.db_connection import DatabaseConnections
from heavy.web.api_requests import open_heavy_context
from heavy.web.same_origin import is_same_origin
from heavy.web.sweeping import start_sweeping, stop_sweeping

logger = logging.getLogger(__name__)

auth_blueprint = Blueprint("auth", url_prefix="/auth")

# Requests that never need to know the user (and so cost no session lookup).
_ANONYMOUS_PATHS = ("/static/", "/_reactpy/assets/", "/_reactpy/modules/", "/healthz")
_MAX_FIELD_LENGTH = 1024
SWEEP_INTERVAL_SECONDS = 600


def register_auth(app: Sanic[Any, Any], settings: HeavySettings) -> None:
    """Session store, login throttle, the user of each request, and the /auth routes."""

    async def open_stores(app: Sanic[Any, Any]) -> None:
        db: DatabaseConnections = app.ctx.db
        ttl = timedelta(seconds=settings.session_ttl_seconds)
        app.ctx.session_store = create_session_store(ttl, db.sessionmaker, db.redis)
        app.ctx.login_throttle = create_login_throttle(db.sessionmaker, db.redis)
        app.ctx.mailer = create_mailer(settings)
        app.ctx.session_sweeper = start_sweeping(
            {
                "login sessions": app.ctx.session_store.sweep_expired,
                "rate-limit counters": app.ctx.login_throttle.sweep_expired,
            },
            SWEEP_INTERVAL_SECONDS,
        )

    async def close_stores(app: Sanic[Any, Any]) -> None:
        await stop_sweeping(getattr(app.ctx, "session_sweeper", None))

    app.register_listener(open_stores, "before_server_start")  # after the databases open
    app.register_listener(close_stores, "before_server_stop")
    app.register_middleware(load_user, "request")
    app.blueprint(auth_blueprint)


async def load_user(request: Request) -> None:
    """Put the signed-in user (or the anonymous one) on ``request.ctx``; websockets included."""
    request.ctx.user = ANONYMOUS_USER
    request.ctx.login_session = None
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id or request.path.startswith(_ANONYMOUS_PATHS):
        return
    store: SessionStore = request.app.ctx.session_store
    login_session = await store.get(session_id)
    if login_session is None:
        return
    db: DatabaseConnections = request.app.ctx.db
    async with db.sessionmaker() as session:
        user = UserModelMunger().to_model(
            await UserRepository(session).get_user(UserId(login_session.user_id))
        )
    if user is not None:
        request.ctx.user = user
        request.ctx.login_session = login_session


@auth_blueprint.post("/signup")
async def sign_up(request: Request) -> HTTPResponse:
    """Create the account if the email is new; either way, answer "check your email" and mail the
    address (a welcome, or a note that someone tried to sign up with it): the answer must not tell
    a visitor whether an email is registered. The new user then logs in with their password."""
    _require_same_origin(request)
    next_path = safe_next_path(_form(request).get("next"))
    async with open_heavy_context(request.ctx) as context:
        accounts = AccountManager(UserModelMunger(), _throttle(request))
        try:
            outcome = await accounts.sign_up(
                email=_field(request, "email"),
                password=_field(request, "password"),
                display_name=_field(request, "display_name"),
                address=client_address(request),
            )
        except AccountError as error:
            return redirect(_page_url("/signup", next_path, error=error.code), status=303)
        except PasswordHashingBusy as busy:
            return _busy(busy, _page_url("/signup", next_path))
        await context.db_session.commit()
    site_url: str = request.app.ctx.settings.site_url
    if outcome.user is not None:
        logger.info("account created for user %s", outcome.user.id)
        mail = welcome_mail(outcome.email, site_url)
    else:
        mail = address_taken_mail(outcome.email, site_url)
    send_in_background(request.app.ctx.mailer, mail)
    return redirect(_page_url("/login", next_path, notice="check_email"), status=303)


@auth_blueprint.post("/login")
async def log_in(request: Request) -> HTTPResponse:
    _require_same_origin(request)
    next_path = safe_next_path(_form(request).get("next"))
    async with open_heavy_context(request.ctx) as context:
        accounts = AccountManager(UserModelMunger(), _throttle(request))
        try:
            user = await accounts.authenticate(
                email=_field(request, "email"),
                password=_field(request, "password"),
                address=client_address(request),
            )
        except AccountError as error:
            return redirect(_page_url("/login", next_path, error=error.code), status=303)
        except PasswordHashingBusy as busy:
            return _busy(busy, _page_url("/login", next_path))
        await context.db_session.commit()  # a password rehash, if one was due
    return await _start_session(request, user.id, next_path)


def welcome_mail(email: str, site_url: str) -> MailMessage:
    return MailMessage(
        to=email,
        subject="Your new account",
        body=(
            "Welcome! An account was created with this email address.\n\n"
            f"Log in with the password you chose at {site_url}/login\n\n"
            "If you did not sign up, someone else entered your address: tell the site's team, and "
            "they will remove the account."
        ),
    )


def address_taken_mail(email: str, site_url: str) -> MailMessage:
    """To the owner of an email someone tried to sign up with (a password reset link belongs here
    once the app has password resets)."""
    return MailMessage(
        to=email,
        subject="Someone tried to sign up with your address",
        body=(
            "Someone tried to create an account with this email address, which already has one.\n\n"
            f"If it was you, log in at {site_url}/login instead.\n\n"
            "If it was not you, you can ignore this message: nothing has changed in your account."
        ),
    )


@auth_blueprint.post("/logout")
async def log_out(request: Request) -> HTTPResponse:
    _require_same_origin(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await _store(request).delete(session_id)
    response = redirect("/", status=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@auth_blueprint.get("/me")
async def who_am_i(request: Request) -> HTTPResponse:
    """The current user as JSON (for scripts and API clients; pages get it from HeavyContext)."""
    user = request.ctx.user
    body: dict[str, Any] = {"authenticated": user.is_authenticated, "display_name": user.display_name}
    if user.is_authenticated:
        body["id"] = str(user.id)
    return json(body)


def client_address(request: Request) -> str:
    """The client's address (behind a proxy, configure Sanic's PROXIES_COUNT or FORWARDED_SECRET)."""
    return str(request.remote_addr or request.ip or "unknown")


async def _start_session(request: Request, user_id: Any, next_path: str) -> HTTPResponse:
    session = await _store(request).rotate(request.cookies.get(SESSION_COOKIE), user_id)
    response = redirect(next_path, status=303)
    set_session_cookie(response, session, secure=not request.app.ctx.settings.is_dev)
    return response


def set_session_cookie(response: HTTPResponse, session: LoginSession, *, secure: bool) -> None:
    response.add_cookie(
        SESSION_COOKIE,
        session.id,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure,
        max_age=int(_store_ttl_seconds(session)),
    )


def _store_ttl_seconds(session: LoginSession) -> float:
    return max(0.0, (session.expires_at - datetime.now(UTC)).total_seconds())


def _page_url(path: str, next_path: str, **query: str) -> str:
    query |= {"next": next_path} if next_path != "/" else {}
    return f"{path}?{urlencode(query)}" if query else path


def _busy(busy: PasswordHashingBusy, back: str) -> HTTPResponse:
    """429 with Retry-After: a flood is answered at once instead of queueing for the CPU. A form
    post shows the page, so it says what happened and links back."""
    seconds = busy.retry_after_seconds
    page = (
        "<!doctype html><meta charset=utf-8><title>Busy</title>"
        f"<p>The server is busy checking other logins. Please try again in {seconds} seconds.</p>"
        f'<p><a href="{escape(back)}">Back</a></p>'
    )
    return html(page, status=429, headers={"Retry-After": str(seconds)})


def _form(request: Request) -> RequestParameters:
    return request.form or RequestParameters()


def _field(request: Request, name: str) -> str:
    return str(_form(request).get(name) or "")[:_MAX_FIELD_LENGTH]


def _require_same_origin(request: Request) -> None:
    if not is_same_origin(request):
        raise Forbidden("cross-site form posts are not allowed")


def _store(request: Request) -> SessionStore:
    store: SessionStore = request.app.ctx.session_store
    return store


def _throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.ctx.login_throttle
    return throttle
