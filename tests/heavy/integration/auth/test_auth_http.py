"""The account flow over real HTTP: cookies, fixation, forged and expired ids, limits, headers,
and the sweep of stale rate-limit counters."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest
from sanic import Request
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from heavy.accounts.login_throttle import ThrottleLimits
from heavy.accounts.sessions import SESSION_COOKIE, PostgresSessionStore
from heavy.app_factory import create_app
from heavy.config import HeavySettings, load_settings
from heavy.data.database_setup import DatabaseUrls
from heavy.data.db_connection import SessionMaker
from tests.factories import create_user_committed, insert_login_attempt_counters, login_attempt_counters
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

PASSWORD = "a perfectly fine password"
_app_numbers = itertools.count()


@pytest.fixture
def serve(settings: HeavySettings) -> Callable[..., Any]:
    def start(app_settings: HeavySettings | None = None) -> Any:
        return serve_in_process(create_app(app_settings or settings, name=f"auth_http_{next(_app_numbers)}"))

    return start


@pytest.fixture
async def base_url(serve: Callable[..., Any]) -> AsyncIterator[str]:
    async with serve() as url:
        yield url


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


def session_cookie(response: httpx.Response) -> SimpleCookie:
    cookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookie.load(header)
    return cookie


def with_session(session_id: str | None) -> dict[str, str]:
    """Headers sending exactly this session cookie (tests clear the client's own cookie jar)."""
    return {"cookie": f"{SESSION_COOKIE}={session_id}"} if session_id else {}


async def post(
    http: httpx.AsyncClient, path: str, data: dict[str, str], session_id: str | None = None, **headers: str
) -> httpx.Response:
    http.cookies.clear()
    return await http.post(path, data=data, headers={**with_session(session_id), **headers})


async def sign_up(http: httpx.AsyncClient, email: str, **extra: str) -> httpx.Response:
    return await post(
        http, "/auth/signup", {"email": email, "password": PASSWORD, "display_name": "Ada", **extra}
    )


async def log_in(
    http: httpx.AsyncClient, email: str, session_id: str | None = None, **extra: str
) -> httpx.Response:
    return await post(http, "/auth/login", {"email": email, "password": PASSWORD, **extra}, session_id)


async def new_session(http: httpx.AsyncClient, **extra: str) -> httpx.Response:
    """Sign up with a new email, then log in (sign-up itself never signs in): the login's answer."""
    email = new_email()
    await sign_up(http, email)
    return await log_in(http, email, **extra)


async def me(http: httpx.AsyncClient, session_id: str | None) -> dict[str, Any]:
    http.cookies.clear()
    response = await http.get("/auth/me", headers=with_session(session_id))
    body: dict[str, Any] = response.json()
    return body


class TestSessionCookie:
    async def test_login_sets_an_httponly_lax_cookie_and_redirects(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            response = await new_session(http, next="/other")

        assert response.status_code == 303
        assert response.headers["location"] == "/other"
        morsel = session_cookie(response)[SESSION_COOKIE]
        assert morsel["httponly"] is True
        assert morsel["samesite"] == "Lax"
        assert not morsel["secure"], "DEV serves plain http on localhost"
        assert morsel["path"] == "/"
        assert len(morsel.value) >= 43

    async def test_production_cookies_are_secure(
        self, serve: Callable[..., Any], database_urls: DatabaseUrls
    ) -> None:
        production = load_settings(
            _env_file=None,
            environment="PRODUCTION",
            secret_key="p" * 48,
            sql_db_url=database_urls.sql,
            vector_db_url=database_urls.vector,
        )
        async with serve(production) as url, httpx.AsyncClient(base_url=url) as http:
            response = await new_session(http)
            home = await http.get("/")

        assert session_cookie(response)[SESSION_COOKIE]["secure"] is True
        assert home.headers["strict-transport-security"].startswith("max-age=")

    async def test_the_cookie_carries_only_the_id(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            email = new_email()
            await sign_up(http, email)
            response = await log_in(http, email)

        assert email not in response.headers["set-cookie"]
        assert "Ada" not in response.headers["set-cookie"]


class TestLogin:
    async def test_login_rotates_the_session_id(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            email = new_email()
            await sign_up(http, email)
            first = session_cookie(await log_in(http, email))[SESSION_COOKIE].value

            login = await log_in(http, email, first)
            second = session_cookie(login)[SESSION_COOKIE].value

            assert login.status_code == 303
            assert second != first
            assert (await me(http, second))["authenticated"] is True
            assert (await me(http, first))["authenticated"] is False, "the earlier id is dead: no fixation"

    async def test_a_wrong_password_gets_the_generic_error(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            email = new_email()
            await sign_up(http, email)

            wrong = await post(http, "/auth/login", {"email": email, "password": "nope nope nope"})
            unknown = await post(http, "/auth/login", {"email": new_email(), "password": PASSWORD})

        assert wrong.headers["location"] == unknown.headers["location"] == "/login?error=invalid"
        assert SESSION_COOKIE not in session_cookie(wrong)

    async def test_repeated_failures_hit_the_rate_limit(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            email = new_email()
            await sign_up(http, email)
            for _ in range(5):
                await post(http, "/auth/login", {"email": email, "password": "wrong guess!"})

            response = await post(http, "/auth/login", {"email": email, "password": PASSWORD})

        assert response.headers["location"] == "/login?error=rate_limited"

    async def test_next_must_stay_on_this_site(self, base_url: str) -> None:
        elsewhere = (
            "//evil.example/phish",
            "https://evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "evil",
        )
        async with httpx.AsyncClient(base_url=base_url) as http:
            email = new_email()
            for next_path in elsewhere:
                signed_up = await sign_up(http, email, next=next_path)
                response = await log_in(http, email, next=next_path)

                assert signed_up.headers["location"] == "/login?notice=check_email"
                assert response.headers["location"] == "/", f"next={next_path!r} must not leave the site"

    async def test_next_keeps_its_query_string(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            email = new_email()
            signed_up = await sign_up(http, email, next="/account?tab=keys&page=2")
            response = await log_in(http, email, next="/account?tab=keys&page=2")

        assert (
            signed_up.headers["location"]
            == "/login?notice=check_email&next=%2Faccount%3Ftab%3Dkeys%26page%3D2"
        )
        assert response.headers["location"] == "/account?tab=keys&page=2"

    async def test_logout_ends_the_session(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            session_id = session_cookie(await new_session(http))[SESSION_COOKIE].value

            response = await post(http, "/auth/logout", {}, session_id)

            assert response.status_code == 303
            assert session_cookie(response)[SESSION_COOKIE].value == ""
            assert (await me(http, session_id))["authenticated"] is False


class TestSignUpLimit:
    async def test_an_address_probing_for_taken_emails_gets_the_rate_limited_message(
        self, base_url: str
    ) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            taken = new_email()
            first = await sign_up(http, taken)
            probes = [await sign_up(http, taken) for _ in range(ThrottleLimits().sign_ups_per_address - 1)]

            blocked = await sign_up(http, new_email())

        assert first.headers["location"] == "/login?notice=check_email"
        assert {probe.headers["location"] for probe in probes} == {"/login?notice=check_email"}
        assert blocked.status_code == 303
        assert blocked.headers["location"] == "/signup?error=rate_limited"
        assert SESSION_COOKIE not in session_cookie(blocked)


class TestRejectedSessions:
    async def test_forged_ids_are_anonymous(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            for forged in ("A" * 43, "../../etc/passwd", "x", str(uuid.uuid4())):
                assert (await me(http, forged))["authenticated"] is False

    async def test_an_expired_session_is_anonymous(
        self, base_url: str, sql_sessionmaker: SessionMaker
    ) -> None:
        user_id = await create_user_committed(sql_sessionmaker)
        expired = await PostgresSessionStore(sql_sessionmaker, timedelta(seconds=-1)).create(user_id)

        async with httpx.AsyncClient(base_url=base_url) as http:
            assert (await me(http, expired.id))["authenticated"] is False


class TestSweeping:
    async def test_the_app_sweeps_rate_limit_counters_whose_window_is_over(
        self, serve: Callable[..., Any], sql_engine: AsyncEngine
    ) -> None:
        stale, recent = f"address:stale-{uuid.uuid4().hex}", f"address:recent-{uuid.uuid4().hex}"
        await insert_login_attempt_counters(
            sql_engine, {stale: timedelta(days=1), recent: timedelta(0)}, failures=20
        )

        async with serve():
            async with asyncio.timeout(10):
                while len(left := await login_attempt_counters(sql_engine, stale, recent)) == 2:  # noqa: ASYNC110 (polling the database)
                    await asyncio.sleep(0.05)

        assert left == {recent}


class TestCrossSiteRequests:
    async def test_a_cross_site_form_post_is_forbidden(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            response = await post(
                http,
                "/auth/login",
                {"email": new_email(), "password": PASSWORD},
                origin="https://evil.example",
            )

        assert response.status_code == 403

    async def test_a_same_site_form_post_is_accepted(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            response = await sign_up(http, new_email())
            again = await post(
                http, "/auth/signup", {"email": new_email(), "password": PASSWORD}, origin=base_url
            )

        assert response.status_code == again.status_code == 303

    async def test_a_cross_site_websocket_handshake_is_refused(self, base_url: str) -> None:
        stream = base_url.replace("http://", "ws://") + "/_reactpy/stream"

        with pytest.raises(InvalidStatus) as refused:
            await connect(stream, additional_headers={"origin": "https://evil.example"})

        assert refused.value.response.status_code == 403


class TestHardening:
    async def test_security_headers_on_pages_and_api(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            for path in ("/", "/healthz", "/static/css/common.css"):
                headers = (await http.get(path)).headers
                assert headers["x-content-type-options"] == "nosniff"
                assert headers["x-frame-options"] == "DENY"
                assert "frame-ancestors 'none'" in headers["content-security-policy"]
                assert headers["referrer-policy"] == "strict-origin-when-cross-origin"

    async def test_production_errors_carry_no_stack_trace(self, database_urls: DatabaseUrls) -> None:
        production = load_settings(
            _env_file=None,
            environment="PRODUCTION",
            secret_key="p" * 48,
            sql_db_url=database_urls.sql,
            vector_db_url=database_urls.vector,
        )
        app = create_app(production, name=f"auth_http_{next(_app_numbers)}")

        @app.get("/explode")
        async def explode(request: Request) -> None:
            raise RuntimeError("secret internals: db password is hunter2")

        async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/explode")

        assert response.status_code == 500
        assert "hunter2" not in response.text
        assert "Traceback" not in response.text
        assert "RuntimeError" not in response.text

    async def test_oversized_requests_are_refused(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            response = await http.post("/auth/login", content=b"x" * 2_000_000)

        assert response.status_code == 413
