"""A signed-in user's ``/auth/me`` and an open tab's click while 100 bad logins arrive, against both idle.

Each bad login costs the server an argon2 check (~0.1 s of CPU) unless it is refused first. The
figures that matter are the ratios of each probe's p95 during the flood to its p95 idle, all
measured in the same run against the same ``heavy run`` server (its own embedded PostgreSQL in a
temporary folder, or ``--base-url`` for a server you started). The two probes run side by side,
idle as during the floods: ``/auth/me`` one request after another, and a tab on the landing page
(a real websocket) clicking its counter, each click timed until the re-render showing the new
count arrives (at most 40 clicks a second, under the stream guard's limit for one tab). The flood
comes from ten loopback addresses (127.0.R.2 to 127.0.R.11 in round R), so the per-address limit
does not refuse most of it before any hashing: the server has to check, queue or turn away every
login.

Run: ``.venv/bin/python -m bench.login_flood [--logins 100] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.click_client import ANSWER_TIMEOUT_SECONDS, click
from bench.results import print_table, summarise_ms, write_results
from bench.server_process import PROJECT_ROOT, START_TIMEOUT_SECONDS, BenchmarkError, free_port
from bench.servers import counter_text
from heavy.config import env_prefix
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.realtime.stream_client import StreamClient

CLIENTS_PER_ROUND = 10
PASSWORD = "the bystander's own password"
LANDING_COUNTER_ID = "counter-button"  # the demo landing page's counter (heavy_stack/frontend/pages)
CLICKS_PER_SECOND = 40


async def measure(
    base_url: str, *, logins: int = 100, rounds: int = 3, idle_samples: int = 200
) -> dict[str, Any]:
    """Idle ``/auth/me`` and click timings, then ``rounds`` floods of ``logins`` bad logins with both
    timed throughout; percentiles, their ratios, and how the flood was answered."""
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=120) as http,
        open_counter_tab(base_url) as tab,
    ):
        session_id = await _signed_in_session(http)
        headers = {"cookie": f"heavy_session={session_id}"}

        async def timed_me() -> float:
            return await _timed_me(http, headers)

        await asyncio.gather(_repeat(timed_me, 20), _repeat(tab.timed_click, 20))  # warm-up
        idle_me, idle_clicks = await asyncio.gather(
            _repeat(timed_me, idle_samples), _repeat(tab.timed_click, idle_samples)
        )
        during_me: list[float] = []
        during_clicks: list[float] = []
        answers: collections.Counter[str] = collections.Counter()
        flood_seconds: list[float] = []
        for round_number in range(rounds):
            started = time.perf_counter()
            flood = asyncio.create_task(_flood(base_url, logins, round_number))
            me, clicks = await asyncio.gather(
                repeat_while(flood, timed_me), repeat_while(flood, tab.timed_click)
            )
            during_me += me
            during_clicks += clicks
            answers.update(await flood)
            flood_seconds.append(time.perf_counter() - started)
        tab.check_counted()
    return {
        "auth_me": _compare(idle_me, during_me),
        "click": _compare(idle_clicks, during_clicks),
        "logins_per_flood": logins,
        "rounds": rounds,
        "flood_seconds": flood_seconds,
        "flood_answers": dict(sorted(answers.items())),
    }


class CounterTab:
    """An open tab on the landing page clicking its counter: each click timed until its re-render.

    Clicks start at most ``CLICKS_PER_SECOND`` apart: faster, the server's stream guard would drop
    them (``STREAM_MAX_EVENTS_PER_SECOND``, 50 by default), as it should for any one tab.
    """

    def __init__(self, session: StreamClient) -> None:
        self.session = session
        self.clicks = 0
        self._next_click_at = 0.0

    async def timed_click(self) -> float:
        """One click, until the button shows the new count (a lost or doubled update never does)."""
        await asyncio.sleep(self._next_click_at - time.perf_counter())
        self._next_click_at = time.perf_counter() + 1 / CLICKS_PER_SECOND
        self.clicks += 1
        try:
            return await click(self.session, LANDING_COUNTER_ID, shows=counter_text(self.clicks))
        except TimeoutError:
            raise BenchmarkError(
                f"click {self.clicks} got no update within {ANSWER_TIMEOUT_SECONDS:.0f}s: "
                f"the page shows {self.session.text_of(LANDING_COUNTER_ID)!r}"
            ) from None

    def check_counted(self) -> None:
        shown = self.session.text_of(LANDING_COUNTER_ID)
        if shown != counter_text(self.clicks):
            raise BenchmarkError(f"after {self.clicks} clicks the page shows {shown!r}")


@contextlib.asynccontextmanager
async def open_counter_tab(base_url: str) -> AsyncIterator[CounterTab]:
    """A tab on the landing page, past its first render, closed afterwards."""
    async with StreamClient.open(base_url) as session:
        await session.wait_for_element(LANDING_COUNTER_ID, ANSWER_TIMEOUT_SECONDS)
        yield CounterTab(session)


async def repeat_while(running: asyncio.Task[Any], probe: Callable[[], Awaitable[float]]) -> list[float]:
    """``probe`` one call after another until ``running`` is done (at least once)."""
    timings = [await probe()]
    while not running.done():
        timings.append(await probe())
    return timings


async def _repeat(probe: Callable[[], Awaitable[float]], times: int) -> list[float]:
    return [await probe() for _ in range(times)]


def _compare(idle: list[float], during: list[float]) -> dict[str, Any]:
    idle_summary, during_summary = summarise_ms(idle), summarise_ms(during)
    return {
        "idle": idle_summary,
        "during_flood": during_summary,
        "ratio_p50": during_summary["p50_ms"] / idle_summary["p50_ms"],
        "ratio_p95": during_summary["p95_ms"] / idle_summary["p95_ms"],
    }


async def _signed_in_session(http: httpx.AsyncClient) -> str:
    credentials = {"email": f"bystander-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD}
    await http.post("/auth/signup", data={**credentials, "display_name": "Bystander"})
    response = await http.post("/auth/login", data=credentials)
    session_id = response.cookies.get("heavy_session")
    if response.status_code != 303 or not session_id:
        raise BenchmarkError(f"could not sign in the bystander: {response.status_code} {response.headers}")
    http.cookies.clear()
    return session_id


async def _timed_me(http: httpx.AsyncClient, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = await http.get("/auth/me", headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not response.json()["authenticated"]:
        raise BenchmarkError(f"/auth/me answered {response.status_code} {response.text[:200]}")
    return elapsed


async def _flood(base_url: str, logins: int, round_number: int) -> list[str]:
    """``logins`` bad logins at once from ten loopback addresses; how each was answered."""
    addresses = [f"127.0.{round_number + 1}.{host}" for host in range(2, 2 + CLIENTS_PER_ROUND)]
    clients = [
        httpx.AsyncClient(
            base_url=base_url, transport=httpx.AsyncHTTPTransport(local_address=address), timeout=120
        )
        for address in addresses
    ]
    try:
        responses = await asyncio.gather(
            *(
                clients[number % len(clients)].post(
                    "/auth/login",
                    data={
                        "email": f"flood-{uuid.uuid4().hex[:12]}@example.com",
                        "password": "wrong password",
                    },
                )
                for number in range(logins)
            )
        )
    finally:
        for client in clients:
            await client.aclose()
    return [_describe(response) for response in responses]


def _describe(response: httpx.Response) -> str:
    if response.status_code == 303:
        return f"303 {response.headers['location']}"
    if response.status_code == 429:
        return f"429 Retry-After {response.headers.get('retry-after')}"
    return str(response.status_code)


@contextlib.contextmanager
def heavy_run_server(data_dir: Path, *, workers: int = 1) -> Iterator[str]:
    """``heavy run`` (DEV) on a free port with its embedded PostgreSQL in ``data_dir``."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith(env_prefix())}
    env |= {f"{env_prefix()}DATA_DIR": str(data_dir), f"{env_prefix()}ACCESS_LOG": "false"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "heavy_stack", "run", "--port", str(port), "--workers", str(workers)],
            cwd=data_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, base_url, log_path)
        yield base_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        stop_embedded_postgres(data_dir)


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"heavy run exited with {process.returncode}; see {log_path}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise BenchmarkError(f"heavy run was not healthy within {START_TIMEOUT_SECONDS:.0f}s; see {log_path}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--logins", type=int, default=100, help="bad logins per flood (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="floods, one after another (default 3)")
    parser.add_argument(
        "--idle-samples", type=int, default=200, help="idle /auth/me requests and idle clicks (default 200)"
    )
    parser.add_argument("--base-url", help="measure this running server instead of starting one")
    args = parser.parse_args(argv)
    if args.rounds > 254:
        parser.error("--rounds: at most 254 (each round has loopback addresses of its own)")

    options = {"logins": args.logins, "rounds": args.rounds, "idle_samples": args.idle_samples}
    if args.base_url:
        results = asyncio.run(measure(args.base_url, **options))
    else:
        with (
            tempfile.TemporaryDirectory(prefix="heavy-bench-") as data_dir,
            heavy_run_server(Path(data_dir)) as url,
        ):
            results = asyncio.run(measure(url, **options))
    print_flood_table(results)
    print(f"written to {write_results('login_flood', results)}")


def print_flood_table(results: dict[str, Any]) -> None:
    probes = (("GET /auth/me", results["auth_me"]), ("click -> re-render", results["click"]))
    print_table(
        ["probe", "", "p50 ms", "p95 ms", "p99 ms", "samples"],
        [
            [name, phase, f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['p99_ms']:.2f}", str(r["samples"])]
            for name, probe in probes
            for phase, r in (("idle", probe["idle"]), ("during the floods", probe["during_flood"]))
        ],
    )
    for name, probe in probes:
        print(f"{name} during / idle: p50 {probe['ratio_p50']:.2f}x, p95 {probe['ratio_p95']:.2f}x")
    print(
        f"{results['rounds']} floods of {results['logins_per_flood']} bad logins, each answered in "
        + ", ".join(f"{seconds:.2f}s" for seconds in results["flood_seconds"])
    )
    for answer, count in results["flood_answers"].items():
        print(f"  {count:5d}  {answer}")


if __name__ == "__main__":
    main()
