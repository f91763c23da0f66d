"""A signed-in user for tests that drive a real server over HTTP: sign up, then log in (sign-up
never signs in: its answer must not say whether the email was new), as a browser would.

Each account comes from an address of its own in the loopback range, so tests that make accounts
never use up each other's sign-up limit (10 per address per window)."""

from __future__ import annotations

import random
import uuid
from http.cookies import SimpleCookie

import httpx

from heavy.accounts.sessions import SESSION_COOKIE

PASSWORD = "a perfectly fine password"


async def signed_in_session(base_url: str, display_name: str = "Tab") -> str:
    """A new account's login session id (the value of the session cookie)."""
    credentials = {"email": f"user-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD}
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=base_url, transport=transport) as http:
        signed_up = await http.post("/auth/signup", data={**credentials, "display_name": display_name})
        assert signed_up.status_code == 303, signed_up.text
        logged_in = await http.post("/auth/login", data=credentials)
    assert logged_in.status_code == 303, logged_in.text
    cookies: SimpleCookie = SimpleCookie()
    for header in logged_in.headers.get_list("set-cookie"):
        cookies.load(header)
    assert SESSION_COOKIE in cookies, f"no session after logging in: {logged_in.headers.get('location')}"
    return cookies[SESSION_COOKIE].value
