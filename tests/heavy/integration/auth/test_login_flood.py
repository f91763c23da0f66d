"""A flood of bad logins against the real ``heavy run``: no server errors, and everyone else is served.

Argon2 costs ~0.1 s of CPU per attempt. A flood must neither hold the database pool while it hashes
(which starved every other request and answered 500 once the pool timed out) nor queue for
half a minute: logins the server cannot check soon are answered 429 with ``Retry-After``. Nor may
it stall the event loop that answers open tabs: a click during the flood still gets its re-render.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import login_flood
from bench.results import percentile
from heavy.accounts.passwords import HashingTurns
from heavy.accounts.sessions import SESSION_COOKIE, PostgresSessionStore
from heavy.data.db_connection import SessionMaker
from tests.factories import create_user_committed
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow

FLOOD_SIZE = 100
# Ten clients with ten logins each: under the per-address limit (20), so the server has to check
# every one of them (a single client's 21st attempt is refused before any hashing).
CLIENT_ADDRESSES = tuple(f"127.0.0.{number}" for number in range(2, 12))
GENEROUS_P95_SECONDS = 5.0


@pytest.fixture
async def forget_flood_counters(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM login_attempts WHERE key LIKE 'address:127.%' OR key LIKE 'account:flood-%'")
        )


async def signed_in_session(sessionmaker: SessionMaker) -> str:
    user_id = await create_user_committed(sessionmaker, display_name="Bystander")
    return (await PostgresSessionStore(sessionmaker, timedelta(hours=1)).create(user_id)).id


async def flood_of_bad_logins(base_url: str) -> list[httpx.Response]:
    per_client = FLOOD_SIZE // len(CLIENT_ADDRESSES)
    clients = [
        httpx.AsyncClient(
            base_url=base_url,
            transport=httpx.AsyncHTTPTransport(local_address=address),
            timeout=120,
            limits=httpx.Limits(max_connections=per_client),
        )
        for address in CLIENT_ADDRESSES
    ]
    try:
        return await asyncio.gather(
            *(
                http.post(
                    "/auth/login",
                    data={
                        "email": f"flood-{uuid.uuid4().hex[:12]}@example.com",
                        "password": "wrong password",
                    },
                )
                for http in clients
                for _ in range(per_client)
            )
        )
    finally:
        for http in clients:
            await http.aclose()


async def probe_while(
    flood: asyncio.Task[list[httpx.Response]], base_url: str, session_id: str
) -> dict[str, list[tuple[int, float]]]:
    """``/auth/me`` (signed in) and ``/healthz``, one after the other, until the flood is answered."""
    samples: dict[str, list[tuple[int, float]]] = {"/auth/me": [], "/healthz": []}
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
        while not flood.done() or len(samples["/auth/me"]) < 5:
            for path, found in samples.items():
                started = time.perf_counter()
                response = await http.get(path, headers={"cookie": f"{SESSION_COOKIE}={session_id}"})
                found.append((response.status_code, time.perf_counter() - started))
                if path == "/auth/me":
                    assert response.json()["authenticated"] is True, "the bystander stays signed in"
    return samples


class TestLoginFlood:
    async def test_bad_logins_get_no_server_error_and_signed_in_users_and_open_tabs_stay_served(
        self, live_server: ServerProcess, sql_sessionmaker: SessionMaker, forget_flood_counters: None
    ) -> None:
        session_id = await signed_in_session(sql_sessionmaker)

        async with login_flood.open_counter_tab(live_server.base_url) as tab:
            flood = asyncio.create_task(flood_of_bad_logins(live_server.base_url))
            samples, clicks = await asyncio.gather(
                probe_while(flood, live_server.base_url, session_id),
                login_flood.repeat_while(flood, tab.timed_click),  # each waits for its own count
            )
            answers = await flood
            shown = tab.session.text_of(login_flood.LANDING_COUNTER_ID)

        statuses = sorted(response.status_code for response in answers)
        server_errors = [status for status in statuses if status >= 500]
        assert not server_errors, (
            f"{len(server_errors)} server errors: {statuses}\n{live_server.log()[-3000:]}"
        )
        for response in answers:
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) >= 1
            else:
                assert response.status_code == 303, statuses
                assert response.headers["location"] in ("/login?error=invalid", "/login?error=rate_limited")
        assert any(response.status_code == 303 for response in answers), "some logins are checked"
        if 2 * HashingTurns().slots + HashingTurns().max_waiting < FLOOD_SIZE:  # the server's turns
            assert 429 in statuses, "more logins than turns and waiting room: the excess is turned away"
        for path, found in samples.items():
            assert {status for status, _ in found} == {200}, f"{path} answered {found}"
            p95 = percentile([seconds for _, seconds in found], 0.95)
            assert p95 < GENEROUS_P95_SECONDS, f"{path} p95 {p95:.2f}s during the flood"
        assert shown == f"Clicked {len(clicks)} times", "every click got its update, once"
        click_p95 = percentile(clicks, 0.95)
        assert click_p95 < GENEROUS_P95_SECONDS, f"click p95 {click_p95:.2f}s during the flood"


class TestLoginFloodBenchmark:
    async def test_a_tiny_run_reports_both_phases_of_both_probes_and_every_answer(
        self, live_server: ServerProcess, forget_flood_counters: None
    ) -> None:
        results = await login_flood.measure(live_server.base_url, logins=10, rounds=1, idle_samples=5)

        for probe in ("auth_me", "click"):
            assert results[probe]["idle"]["samples"] == 5
            assert results[probe]["during_flood"]["samples"] >= 1
            assert results[probe]["ratio_p95"] > 0
        assert sum(results["flood_answers"].values()) == 10
        assert all(
            answer.startswith(("303 /login?error=", "429 Retry-After")) for answer in results["flood_answers"]
        )
