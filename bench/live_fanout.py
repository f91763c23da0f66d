"""Live updates fan-out: one publish, 1,000 open tabs, how long until each tab has it.

``heavy run --workers 2`` serves ``bench/servers/heavy_live.py`` (a page following one topic) on
a free port; the benchmark opens ``--tabs`` page sessions over raw websockets (the project's
``StreamClient``, then a bare reader per tab), and one of them publishes through a click. Each
message carries the time it was published (``time.time()`` in the worker, just before the
publish); a tab's latency for it is the time its update arrived in the client, minus that.

Two phases per backend, after a warm-up that proves every tab follows the topic:

- paced: one message at a time (the next once every tab has the previous): latency p50 / p99;
- burst: ``--messages`` published back to back: deliveries per second (tab updates carrying a
  message; a tab that gets several in one render counts each).

Backends: ``postgres`` (LISTEN/NOTIFY on the embedded PostgreSQL) and ``redis`` (pub/sub on
``--redis-url``) with ``--workers`` workers, beside ``memory`` (in-process delivery, one
worker): the baseline of the ratios. Loopback only; every process it starts is stopped.

Run: ``.venv/bin/python -m bench.live_fanout [--tabs 1000] [--workers 2] [--messages 30]
[--backend all]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import RedisError

from bench.profiling import sampled, summarise
from bench.results import RESULTS_DIR, percentile, print_table, write_results
from bench.server_process import BenchmarkError, BenchServerProcess, process_tree_cpu_seconds
from bench.servers import BenchServer
from bench.servers.heavy_live import PUBLISH_ID, WORKER_ID
from bench.stack_comparison import print_profile, raise_open_file_limit, stop_process
from bench.step_runner import StepRunner
from heavy.data.embedded_postgres import embedded_postgres, stop_embedded_postgres
from heavy.realtime.stream_client import StreamClient

RESULTS_NAME = "live_fanout"
BACKENDS = ("memory", "postgres", "redis")  # memory first: the baseline of the ratios
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
APP = "bench.servers.heavy_live:heavy_app"
LIVE_SERVER = BenchServer(
    "heavy-live",
    "Heavy Stack live updates",
    "bench.servers.heavy_live",
    counts_clicks=False,
    needs_database=True,
)
OPEN_AT_ONCE = 50  # stays under Sanic's listen backlog of 100
BALANCE_FACTOR = 3  # tabs opened at most, over those kept, to give every worker its share
WARM_UP_TIMEOUT_SECONDS = 30.0
MESSAGE_TIMEOUT_SECONDS = 20.0  # one paced message reaching every tab
BURST_TIMEOUT_SECONDS = 120.0
WARM_UP_INTERVAL_SECONDS = 0.25
PACED_GAP_SECONDS = 0.02  # between one message reaching every tab and the next publish
WORKER_PROBES = 60  # sessions opened at most to find every worker before the measured tabs
_MARK = re.compile(rb"(\d+)@(\d{9,}\.\d{6})")  # bench.servers.heavy_live.received_text


@dataclass(frozen=True)
class FanoutSizes:
    tabs: int = 1000
    workers: int = 2
    messages: int = 30
    rounds: int = 3
    """Each round starts every backend's server in turn, in a rotated order; figures are medians."""

    def scaled(self, factor: float) -> FanoutSizes:
        """Tabs and messages multiplied by ``factor`` (``heavy bench --scale``); workers unchanged."""
        return replace(
            self, tabs=max(2, round(self.tabs * factor)), messages=max(1, round(self.messages * factor))
        )


FULL = FanoutSizes()
QUICK = FanoutSizes(tabs=200, messages=10, rounds=1)


@dataclass
class Receipts:
    """Every (tab, seq, latency) the tabs saw, and a wake-up when a phase has all it waits for."""

    entries: list[tuple[int, int, float, float]] = field(default_factory=list)
    """(tab, seq, seconds from publish to arrival, arrival time)."""
    waiting_for: int = 0
    first_seq: int = 0
    """Messages published before the phase began (a late warm-up message) are not counted."""
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, tab: int, seq: int, sent_at: float, arrived: float) -> None:
        if seq < self.first_seq:
            return
        self.entries.append((tab, seq, arrived - sent_at, arrived))
        if len(self.entries) >= self.waiting_for:
            self.done.set()

    def reset(self, waiting_for: int, first_seq: int = 0) -> None:
        self.entries.clear()
        self.waiting_for, self.first_seq = waiting_for, first_seq
        self.done.clear()


class Tab:
    """One page session: opened with ``StreamClient``, then read bare (find marks, stamp arrival)."""

    def __init__(self, index: int, client: StreamClient, receipts: Receipts) -> None:
        self.index = index
        self.client = client
        self.worker = client.text_of(WORKER_ID)
        self._receipts = receipts
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        receipts = self._receipts
        with contextlib.suppress(Exception):  # the connection closing ends the reader
            async for raw in self.client.websocket:
                arrived = time.time()
                data = raw if isinstance(raw, bytes) else raw.encode()
                for seq, sent_at in _MARK.findall(data):
                    receipts.add(self.index, int(seq), float(sent_at), arrived)

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader
        with contextlib.suppress(Exception):
            await self.client.websocket.close()


@contextlib.asynccontextmanager
async def open_tabs(base_url: str, count: int, workers: int, receipts: Receipts) -> AsyncIterator[list[Tab]]:
    """``count`` tabs, as evenly spread over the ``workers`` as the server lets them be.

    Sanic's workers accept from one shared socket, so whichever is idle first takes a whole batch
    of connections. Tabs are opened until every worker holds its share (at most
    ``BALANCE_FACTOR`` times ``count`` in all), then the extra tabs of the others are closed.
    """
    share = -(-count // workers)
    opened: list[Tab] = []
    try:
        per_worker: Counter[str] = Counter()
        while len(opened) < count * BALANCE_FACTOR and (
            len(opened) < count or len(per_worker) < workers or min(per_worker.values()) < count // workers
        ):
            batch = await asyncio.gather(
                *(StreamClient.open(base_url, with_router=False).__aenter__() for _ in range(OPEN_AT_ONCE))
            )
            for client in batch:
                tab = Tab(len(opened), client, receipts)
                opened.append(tab)
                per_worker[tab.worker] += 1
        kept: dict[int, Tab] = {}
        kept_per_worker: Counter[str] = Counter()
        for tab in opened:
            if len(kept) < count and kept_per_worker[tab.worker] < share:
                kept_per_worker[tab.worker] += 1
                kept[id(tab)] = tab
        for tab in opened:  # a worker that took fewer than its share leaves room for the others' tabs
            if len(kept) < count:
                kept.setdefault(id(tab), tab)
        for tab in opened:
            if id(tab) not in kept:
                await tab.close()
        for index, tab in enumerate(kept.values()):
            tab.index = index
        yield list(kept.values())
    finally:
        for tab in opened:
            await tab.close()


class Publisher:
    """Clicks the publish button of one tab with a sequence number: one message per click."""

    def __init__(self, tab: Tab) -> None:
        element = tab.client.find(PUBLISH_ID)
        if element is None:
            raise BenchmarkError("the live bench page has no publish button")
        self._client = tab.client
        self._target = element["eventHandlers"]["on_click"]["target"]
        self.next_seq = 1

    async def publish(self) -> int:
        seq, self.next_seq = self.next_seq, self.next_seq + 1
        await self._client.send_event(self._target, {"seq": seq})
        return seq


async def wait_for_workers(base_url: str, workers: int) -> None:
    """Every worker answers before tabs are opened (the first to start serves the first page)."""
    seen: set[str] = set()
    for _probe in range(WORKER_PROBES):
        async with StreamClient.open(base_url, with_router=False) as client:
            seen.add(client.text_of(WORKER_ID))
        if len(seen) >= workers:
            return
        await asyncio.sleep(0.1)
    raise BenchmarkError(f"only {len(seen)} of {workers} workers served a page in {WORKER_PROBES} tries")


async def warm_up(tabs: list[Tab], publisher: Publisher, receipts: Receipts) -> None:
    """Publish until every tab has shown a message: then every tab follows the topic."""
    receipts.reset(waiting_for=sys.maxsize)
    deadline = time.monotonic() + WARM_UP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        await publisher.publish()
        await asyncio.sleep(WARM_UP_INTERVAL_SECONDS)
        if len({tab for tab, *_ in receipts.entries}) == len(tabs):
            await asyncio.sleep(WARM_UP_INTERVAL_SECONDS)  # the last warm-up messages land
            return
    reached = len({tab for tab, *_ in receipts.entries})
    raise BenchmarkError(
        f"after {WARM_UP_TIMEOUT_SECONDS:.0f}s only {reached} of {len(tabs)} tabs follow the topic"
    )


async def paced(tabs: list[Tab], publisher: Publisher, receipts: Receipts, messages: int) -> dict[str, Any]:
    """One message at a time, the next once every tab has the previous: latency without queueing."""
    latencies: list[float] = []
    spreads: list[float] = []
    for _message in range(messages):
        receipts.reset(waiting_for=len(tabs), first_seq=publisher.next_seq)
        published = time.time()
        seq = await publisher.publish()
        await _wait(receipts, MESSAGE_TIMEOUT_SECONDS, f"message {seq}")
        ours = [entry for entry in receipts.entries if entry[1] == seq]
        latencies += [latency for _tab, _seq, latency, _arrived in ours]
        spreads.append(max(arrived for *_, arrived in ours) - published)
        await asyncio.sleep(PACED_GAP_SECONDS)
    return {**_latency_summary(latencies), "last_tab_ms_p50": statistics.median(spreads) * 1000}


async def burst(
    tabs: list[Tab], publisher: Publisher, receipts: Receipts, messages: int, server_pid: int
) -> dict[str, Any]:
    """``messages`` published back to back: how many tab deliveries per second the server makes."""
    receipts.reset(waiting_for=len(tabs) * messages, first_seq=publisher.next_seq)
    cpu_before = process_tree_cpu_seconds(server_pid)
    client_cpu_before = time.process_time()
    started = time.time()
    first_seq = publisher.next_seq
    for _message in range(messages):
        await publisher.publish()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(receipts.done.wait(), BURST_TIMEOUT_SECONDS)
    ours = [entry for entry in receipts.entries if first_seq <= entry[1] < first_seq + messages]
    last = max((arrived for *_, arrived in ours), default=time.time())
    wall = last - started
    server_cpu = process_tree_cpu_seconds(server_pid) - cpu_before
    return {
        **_latency_summary([latency for _tab, _seq, latency, _arrived in ours]),
        "delivered": len(ours),
        "expected": len(tabs) * messages,
        "seconds": wall,
        "deliveries_per_second": len(ours) / wall if wall > 0 else 0.0,
        "server_cpu_us_per_delivery": server_cpu / max(1, len(ours)) * 1e6,
        "client_cpu_share": (time.process_time() - client_cpu_before) / wall if wall > 0 else 0.0,
    }


async def _wait(receipts: Receipts, timeout: float, what: str) -> None:
    try:
        await asyncio.wait_for(receipts.done.wait(), timeout)
    except TimeoutError:
        raise BenchmarkError(
            f"{what} reached {len(receipts.entries)} of {receipts.waiting_for} tabs in {timeout:.0f}s"
        ) from None


def _latency_summary(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None, "samples": 0}
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
        "samples": len(latencies),
    }


async def measure_backend(
    process: BenchServerProcess, sizes: FanoutSizes, workers: int, profile_path: Path | None = None
) -> dict[str, Any]:
    """Open the tabs on the started server, warm up, then the paced and the burst phase.

    ``profile_path``: sample the busiest worker with py-spy through both phases.
    """
    receipts = Receipts()
    await wait_for_workers(process.base_url, workers)
    opening = time.perf_counter()
    async with open_tabs(process.base_url, sizes.tabs, workers, receipts) as tabs:
        opened_seconds = time.perf_counter() - opening
        publisher = Publisher(tabs[0])
        await warm_up(tabs, publisher, receipts)
        per_worker = Counter(tab.worker for tab in tabs)
        with contextlib.ExitStack() as profiling:
            if profile_path is not None:
                profiling.enter_context(sampled(int(per_worker.most_common(1)[0][0]), profile_path))
            paced_results = await paced(tabs, publisher, receipts, sizes.messages)
            burst_results = await burst(tabs, publisher, receipts, sizes.messages, process.pid)
    profile = (
        asdict(summarise(profile_path)) | {"collapsed_stacks": str(profile_path)} if profile_path else None
    )
    return {
        "profile": profile,
        "workers": workers,
        "tabs_per_worker": [count for _worker, count in per_worker.most_common()],
        "open_seconds": opened_seconds,
        "paced": paced_results,
        "burst": burst_results,
    }


class LiveServerProcess(BenchServerProcess):
    """``heavy run --workers N`` serving the live bench app, on a free port."""

    def __init__(self, log_dir: Path, *, workers: int, environment: dict[str, str]) -> None:
        super().__init__(LIVE_SERVER, log_dir, data_dir=None, user_id=None, environment=environment)
        self._args = [
            sys.executable,
            "-m",
            "heavy",
            "run",
            "--workers",
            str(workers),
            "--port",
            str(self.port),
        ]


def server_environment(backend: str, data_dir: Path, redis_url: str) -> dict[str, str]:
    environment = {
        "HEAVY_APP": APP,
        "HEAVY_BENCH_DATA_DIR": str(data_dir),
        "HEAVY_BENCH_LIVE_UPDATES": backend,
        "HEAVY_BENCH_ACCESS_LOG": "false",
        "HEAVY_BENCH_LOG_LEVEL": "WARNING",
        "HEAVY_BENCH_STATE_RECOVERY": "false",  # the fan-out alone: no tab state is saved
        "HEAVY_BENCH_STREAM_MAX_EVENTS_PER_SECOND": "1000000",  # the publishing tab clicks in bursts
        "HEAVY_BENCH_STREAM_EVENT_BURST": "1000000",
    }
    if backend == "redis":
        environment["HEAVY_BENCH_REDIS_URL"] = redis_url
    return environment


def redis_answers(redis_url: str) -> bool:
    client = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    except (RedisError, OSError):
        return False
    finally:
        client.close()


@contextlib.contextmanager
def shared_database() -> Iterator[Path]:
    """One embedded PostgreSQL for every backend's server (started once, stopped at the end)."""
    with tempfile.TemporaryDirectory(prefix="heavy-live-bench-db-") as folder:
        data_dir = Path(folder)
        postmaster_pid: int | None = None
        try:
            postmaster_pid = embedded_postgres(data_dir).pid
            yield data_dir
        finally:
            stop_embedded_postgres(data_dir)
            if postmaster_pid is not None:
                stop_process(postmaster_pid)


def run_fanout(
    sizes: FanoutSizes,
    backends: tuple[str, ...] = BACKENDS,
    *,
    redis_url: str = DEFAULT_REDIS_URL,
    results_dir: Path = RESULTS_DIR,
    profile: bool = False,
) -> tuple[dict[str, Any], Path]:
    """Measure each backend in turn (memory with one worker); print the table; write the results."""
    started = time.perf_counter()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if profile:
        results_dir.mkdir(parents=True, exist_ok=True)
    raise_open_file_limit(sizes.tabs * BALANCE_FACTOR + OPEN_AT_ONCE + 256)
    results: dict[str, Any] = {"sizes": asdict(sizes), "backends": {}, "skipped": {}}
    rounds: dict[str, list[dict[str, Any]]] = {}
    with (
        StepRunner() as steps,
        tempfile.TemporaryDirectory(prefix="heavy-live-bench-logs-") as log_folder,
        shared_database() as data_dir,
    ):
        for backend in backends:
            if backend == "redis" and not redis_answers(redis_url):
                results["skipped"][backend] = f"no Redis at {_safe_url(redis_url)}"
                print(f"live fan-out: {backend}: skipped ({results['skipped'][backend]})", flush=True)
            else:
                rounds[backend] = []
        measured = tuple(rounds)
        for round_number in range(sizes.rounds):
            shift = round_number % max(1, len(measured))
            for backend in measured[shift:] + measured[:shift]:
                workers = 1 if backend == "memory" else sizes.workers
                print(
                    f"live fan-out, round {round_number + 1}/{sizes.rounds}: {backend}, "
                    f"{workers} worker(s), {sizes.tabs} tabs ...",
                    flush=True,
                )
                process = LiveServerProcess(
                    Path(log_folder),
                    workers=workers,
                    environment=server_environment(backend, data_dir, redis_url),
                )
                process.start()
                try:
                    profile_path = (
                        results_dir / f"profile-live-{backend}-{stamp}.txt"
                        if profile and round_number == 0
                        else None
                    )
                    rounds[backend].append(steps.run(measure_backend(process, sizes, workers, profile_path)))
                finally:
                    process.stop()
    results["backends"] = {name: combine_rounds(figures) for name, figures in rounds.items()}
    results["ratios"] = ratios(results["backends"])
    results["seconds"] = round(time.perf_counter() - started, 1)
    path = write_results(RESULTS_NAME, results, directory=results_dir)
    print()
    print_fanout(results)
    for name, figures in results["backends"].items():
        if figures["profile"]:
            print_profile(f"a worker with the {name} backend (paced and burst)", figures["profile"])
    print(f"\n{results['seconds']:.0f} s in all; written to {path}")
    return results, path


def combine_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds (a burst of load from elsewhere lands on one round); every round kept."""

    def median(phase: str, figure: str) -> float | None:
        values = [figures[phase][figure] for figures in rounds if figures[phase][figure] is not None]
        return statistics.median(values) if values else None

    first = rounds[0]
    return {
        "workers": first["workers"],
        "tabs_per_worker": first["tabs_per_worker"],
        "profile": first["profile"],
        "paced": {
            **{
                figure: median("paced", figure)
                for figure in ("p50_ms", "p99_ms", "max_ms", "last_tab_ms_p50")
            },
            "samples": sum(figures["paced"]["samples"] for figures in rounds),
        },
        "burst": {
            **{
                figure: median("burst", figure)
                for figure in (
                    "p50_ms",
                    "p99_ms",
                    "max_ms",
                    "deliveries_per_second",
                    "server_cpu_us_per_delivery",
                    "client_cpu_share",
                )
            },
            "samples": sum(figures["burst"]["samples"] for figures in rounds),
            "delivered": sum(figures["burst"]["delivered"] for figures in rounds),
            "expected": sum(figures["burst"]["expected"] for figures in rounds),
        },
        "rounds": rounds,
    }


def ratios(backends: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Each backend's figures over in-process delivery's (the memory backend), from the same run."""
    baseline = backends.get("memory")
    if baseline is None:
        return {}
    return {
        name: {
            "paced_p50": _ratio(figures["paced"]["p50_ms"], baseline["paced"]["p50_ms"]),
            "paced_p99": _ratio(figures["paced"]["p99_ms"], baseline["paced"]["p99_ms"]),
            "deliveries_per_second": _ratio(
                figures["burst"]["deliveries_per_second"], baseline["burst"]["deliveries_per_second"]
            ),
        }
        for name, figures in backends.items()
        if name != "memory"
    }


def _ratio(value: float | None, baseline: float | None) -> float | None:
    return None if value is None or not baseline else value / baseline


def print_fanout(results: dict[str, Any]) -> None:
    rows = []
    for name, figures in results["backends"].items():
        ratio = results["ratios"].get(name, {})
        paced_figures, burst_figures = figures["paced"], figures["burst"]
        rows.append(
            [
                name,
                "/".join(str(count) for count in figures["tabs_per_worker"]),
                _ms(paced_figures["p50_ms"]),
                _ms(paced_figures["p99_ms"]),
                _ms(burst_figures["p99_ms"]),
                f"{burst_figures['deliveries_per_second']:,.0f}",
                f"{burst_figures['server_cpu_us_per_delivery']:.0f}",
                f"{burst_figures['delivered']}/{burst_figures['expected']}",
                _times(ratio.get("paced_p99")),
                _times(ratio.get("deliveries_per_second")),
            ]
        )
    print_table(
        [
            "backend",
            "tabs per worker",
            "p50 ms",
            "p99 ms",
            "burst p99 ms",
            "deliveries/s",
            "server CPU us/delivery",
            "delivered",
            "p99 vs memory",
            "deliveries/s vs memory",
        ],
        rows,
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"


def main(argv: list[str] | None = None, results_dir: Path = RESULTS_DIR) -> Path:
    parser = argparse.ArgumentParser(prog="python -m bench.live_fanout", description=__doc__)
    parser.add_argument("--tabs", type=int, default=FULL.tabs)
    parser.add_argument("--workers", type=int, default=FULL.workers, help="for postgres and redis")
    parser.add_argument("--messages", type=int, default=FULL.messages, help="per phase")
    parser.add_argument("--backend", choices=[*BACKENDS, "all"], default="all")
    parser.add_argument("--rounds", type=int, default=FULL.rounds, help="figures are medians over rounds")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--results-dir", type=Path, default=results_dir)
    parser.add_argument("--profile", action="store_true", help="sample the busiest worker with py-spy")
    args = parser.parse_args(argv)
    if args.tabs < 2 or min(args.workers, args.messages, args.rounds) < 1:
        parser.error("--tabs must be at least 2, --workers, --messages and --rounds at least 1")
    backends = BACKENDS if args.backend == "all" else (args.backend,)
    _results, path = run_fanout(
        FanoutSizes(tabs=args.tabs, workers=args.workers, messages=args.messages, rounds=args.rounds),
        backends,
        redis_url=args.redis_url,
        results_dir=args.results_dir,
        profile=args.profile,
    )
    return path


if __name__ == "__main__":
    main()
