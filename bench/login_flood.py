"""A signed-in user's ``GET /auth/me`` while 100 bad logins arrive at once, against the same request idle.

Each bad login costs the server an argon2 check (~0.1 s of CPU) unless it is refused first. The
figure that matters is the ratio of ``/auth/me``'s p95 during the flood to its p95 idle, both
measured in the same run against the same ``heavy run`` server (its own embedded PostgreSQL in a
temporary folder, or ``--base-url`` for a server you started). The flood comes from ten loopback
addresses (127.0.R.2 to 127.0.R.11 in round R), so the per-address limit does not refuse most of it
before any hashing: the server has to check, queue or turn away every login.

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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.results import print_table, summarise_ms, write_results
from bench.server_process import PROJECT_ROOT, START_TIMEOUT_SECONDS, BenchmarkError, free_port
from heavy.config import env_prefix
from heavy.data.embedded_postgres import stop_embedded_postgres

CLIENTS_PER_ROUND = 10
PASSWORD = "the bystander's own password"


async def measure(
    base_url: str, *, logins: int = 100, rounds: int = 3, idle_samples: int = 200
) -> dict[str, Any]:
    """Idle ``/auth/me`` timings, then ``rounds`` floods of ``logins`` bad logins with ``/auth/me``
    timed throughout; percentiles, their ratios, and how the flood was answered."""
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
        session_id = await _signed_in_session(http)
        headers = {"cookie": f"heavy_session={session_id}"}
        for _ in range(20):  # warm-up: connections, caches
            await http.get("/auth/me", headers=headers)
        idle = [await _timed_me(http, headers) for _ in range(idle_samples)]
        during: list[float] = []
        answers: collections.Counter[str] = collections.Counter()
        flood_seconds: list[float] = []
        for round_number in range(rounds):
            started = time.perf_counter()
            flood = asyncio.create_task(_flood(base_url, logins, round_number))
            while not flood.done():
                during.append(await _timed_me(http, headers))
            answers.update(await flood)
            flood_seconds.append(time.perf_counter() - started)
    idle_summary, during_summary = summarise_ms(idle), summarise_ms(during)
    return {
        "idle": idle_summary,
        "during_flood": during_summary,
        "ratio_p50": during_summary["p50_ms"] / idle_summary["p50_ms"],
        "ratio_p95": during_summary["p95_ms"] / idle_summary["p95_ms"],
        "logins_per_flood": logins,
        "rounds": rounds,
        "flood_seconds": flood_seconds,
        "flood_answers": dict(sorted(answers.items())),
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
def heavy_run_server(data_dir: Path) -> Iterator[str]:
    """``heavy run`` (DEV, one worker) on a free port with its embedded PostgreSQL in ``data_dir``."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith(env_prefix())}
    env |= {f"{env_prefix()}DATA_DIR": str(data_dir), f"{env_prefix()}ACCESS_LOG": "false"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "heavy_stack", "run", "--port", str(port)],
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
    parser.add_argument("--idle-samples", type=int, default=200, help="idle /auth/me requests (default 200)")
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
    print_table(
        ["GET /auth/me", "p50 ms", "p95 ms", "p99 ms", "requests"],
        [
            [label, f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['p99_ms']:.2f}", str(r["samples"])]
            for label, r in (("idle", results["idle"]), ("during the floods", results["during_flood"]))
        ],
    )
    print(
        f"during / idle: p50 {results['ratio_p50']:.2f}x, p95 {results['ratio_p95']:.2f}x; "
        f"{results['rounds']} floods of {results['logins_per_flood']} bad logins, each answered in "
        + ", ".join(f"{seconds:.2f}s" for seconds in results["flood_seconds"])
    )
    for answer, count in results["flood_answers"].items():
        print(f"  {count:5d}  {answer}")


if __name__ == "__main__":
    main()
