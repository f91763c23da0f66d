"""``heavy bench``: Heavy Stack side by side with bare ReactPy and a raw websocket echo, in one run.

Four servers (``bench/servers/``) are started one at a time, each in a process of its own on a
free port, and measured with the same client (``bench/click_client.py``):

1. start-up: from launching the process to its first served page;
2. memory: server RSS before and with ``idle_connections`` idle page sessions open, divided;
3. one session clicking ``sequential_clicks`` times, one click at a time: round-trip p50 / p99;
4. ``concurrent_connections`` sessions clicking at once, one click in flight each: round-trip
   p50 / p99, events per second (the server is saturated) and server CPU per event.

This repeats for ``rounds`` rounds and each figure is the median over them. Every figure is also
given as a ratio to bare ReactPy and to the raw echo measured in the same run, which is what
survives a change of machine. After the servers come the database layer alone
(``bench.user_lookup``) and the click path inside one process (``bench.click_path``). The servers
that run Heavy Stack's app share one embedded PostgreSQL in a temporary folder, stopped at the end.
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psutil

from bench import click_path, user_lookup
from bench.click_client import concurrent_round_trips, idle_connection_memory, sequential_round_trips
from bench.profiling import sampled, summarise
from bench.results import RESULTS_DIR, print_table, summarise_ms, write_results
from bench.server_process import BenchmarkError, BenchServerProcess
from bench.servers import ECHO, HEAVY, HEAVY_DB, REACTPY, SERVERS, BenchServer
from bench.servers.heavy_settings import bench_settings
from bench.step_runner import StepRunner
from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_mungers import UserSQLModelMunger
from heavy.data.database_setup import create_engine, prepare_databases
from heavy.data.db_connection import make_sessionmaker
from heavy.data.embedded_postgres import embedded_postgres, stop_embedded_postgres
from heavy.web.api_requests import open_heavy_context

RESULTS_NAME = "stack_comparison"
BASELINES = (REACTPY.name, ECHO.name)


@dataclass(frozen=True)
class Sizes:
    """How much each measurement does. ``--quick`` and ``--scale`` shrink them."""

    sequential_clicks: int
    concurrent_connections: int
    clicks_per_connection: int
    idle_connections: int
    rounds: int
    user_lookups: int
    click_path_clicks: int

    def scaled(self, factor: float) -> Sizes:
        """Every sample size times ``factor`` (at least 1; rounds stay): ``0.02`` makes a smoke run."""
        scaled = {name: max(1, round(value * factor)) for name, value in asdict(self).items()}
        return Sizes(**{**scaled, "rounds": self.rounds})


FULL = Sizes(
    sequential_clicks=1000,
    concurrent_connections=100,
    clicks_per_connection=100,
    idle_connections=1000,
    rounds=3,
    user_lookups=5000,
    click_path_clicks=20000,
)
QUICK = replace(FULL, clicks_per_connection=20, rounds=1, user_lookups=1000, click_path_clicks=5000)


@dataclass(frozen=True)
class Metric:
    """A row of the table: a key of every server's ``metrics``, its label and its precision."""

    key: str
    label: str
    decimals: int


METRICS = (
    Metric("sequential_p50_ms", "click round trip p50, 1 connection (ms)", 3),
    Metric("sequential_p99_ms", "click round trip p99, 1 connection (ms)", 3),
    Metric("sequential_cpu_us_per_event", "server CPU per click, 1 connection (us)", 0),
    Metric("concurrent_p50_ms", "click round trip p50, {connections} connections (ms)", 2),
    Metric("concurrent_p99_ms", "click round trip p99, {connections} connections (ms)", 2),
    Metric("events_per_second", "events/s at saturation (higher is better)", 0),
    Metric("server_cpu_us_per_event", "server CPU per click at saturation (us)", 0),
    Metric("rss_kib_per_idle_connection", "RSS per idle connection (KiB)", 1),
    Metric("startup_ms", "start-up to first page (ms)", 0),
)


@dataclass(frozen=True)
class BenchDatabase:
    """The embedded PostgreSQL the Heavy Stack servers share, and the row the database counter reads."""

    data_dir: Path
    user_id: str
    pid: int


def run_comparison(
    sizes: Sizes,
    servers: tuple[BenchServer, ...] = SERVERS,
    *,
    results_dir: Path = RESULTS_DIR,
    profile: bool = False,
) -> tuple[dict[str, Any], Path]:
    """Measure ``servers`` in ``sizes.rounds`` rounds; print the table; write and return the results.

    Each round starts every server in turn (the order rotates from round to round), so a burst of
    load from elsewhere on the machine lands on one server's round, not on all of its figures: each
    figure is the median over the rounds.
    """
    started = time.perf_counter()
    raise_open_file_limit(sizes.idle_connections + sizes.concurrent_connections + 256)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if profile:
        results_dir.mkdir(parents=True, exist_ok=True)
    rounds: dict[str, list[dict[str, Any]]] = {server.name: [] for server in servers}
    results: dict[str, Any] = {"sizes": asdict(sizes), "profiled": profile}
    with (
        StepRunner() as steps,
        tempfile.TemporaryDirectory(prefix="heavy-bench-logs-") as log_folder,
        database_if_needed(steps, servers) as database,
    ):
        for round_number in range(sizes.rounds):
            shift = round_number % len(servers)
            for server in servers[shift:] + servers[:shift]:
                print(f"round {round_number + 1}/{sizes.rounds}: {server.label} ...", flush=True)
                profile_path = (
                    results_dir / f"profile-{server.name}-{stamp}.txt"
                    if profile and round_number == 0
                    else None
                )
                rounds[server.name].append(
                    measure_server(steps, server, sizes, Path(log_folder), database, profile_path)
                )
        results["database_data_dir"] = str(database.data_dir) if database else None
        if HEAVY_DB in servers:
            print("the database layer alone (bench.user_lookup) ...", flush=True)
            results["user_lookup"] = steps.run(user_lookup.measure(sizes.user_lookups))
        if HEAVY in servers:
            print("the click path inside one process (bench.click_path) ...", flush=True)
            results["click_path"] = steps.run(click_path.measure(sizes.click_path_clicks))
    results["servers"] = {server.name: combine_rounds(server, rounds[server.name]) for server in servers}
    results["ratios"] = ratios(results["servers"])
    results["seconds"] = round(time.perf_counter() - started, 1)
    path = write_results(RESULTS_NAME, results, directory=results_dir)
    print()
    print_comparison(results)
    print(f"\n{results['seconds']:.0f} s in all; written to {path}")
    return results, path


def measure_server(
    steps: StepRunner,
    server: BenchServer,
    sizes: Sizes,
    log_dir: Path,
    database: BenchDatabase | None,
    profile_path: Path | None,
) -> dict[str, Any]:
    """One round of one server: start it, measure everything, stop it."""
    database_pid = database.pid if database and server.needs_database else None
    load_before = os.getloadavg()[0]
    process = server_process(server, log_dir, database)
    try:
        startup = process.start()
        # Memory first, on a fresh server: after the click runs its heap would hold freed space
        # that new connections reuse, and the figure would flatter it.
        memory = steps.run(idle_connection_memory(process, sizes.idle_connections))
        sequential = steps.run(sequential_round_trips(process, sizes.sequential_clicks))
        with sampled(process.pid, profile_path) if profile_path else contextlib.nullcontext():
            concurrent = steps.run(
                concurrent_round_trips(
                    process, sizes.concurrent_connections, sizes.clicks_per_connection, database_pid
                )
            )
        process.check_alive()
    except TimeoutError:
        raise BenchmarkError(
            f"{server.label} stopped answering clicks (no update within 10 s); see {process.log_path}"
        ) from None
    finally:
        process.stop()

    sequential_ms = summarise_ms(sequential.latencies)
    concurrent_ms = summarise_ms(concurrent.latencies)
    measured: dict[str, Any] = {
        "metrics": {
            "sequential_p50_ms": sequential_ms["p50_ms"],
            "sequential_p99_ms": sequential_ms["p99_ms"],
            "sequential_cpu_us_per_event": sequential.server_cpu_seconds / len(sequential.latencies) * 1e6,
            "concurrent_p50_ms": concurrent_ms["p50_ms"],
            "concurrent_p99_ms": concurrent_ms["p99_ms"],
            "events_per_second": concurrent.events / concurrent.wall_seconds,
            "server_cpu_us_per_event": concurrent.server_cpu_seconds / concurrent.events * 1e6,
            "rss_kib_per_idle_connection": memory.bytes_per_connection / 1024,
            "startup_ms": startup * 1000,
        },
        "sequential": sequential_ms,
        "concurrent": {
            **concurrent_ms,
            "connections": sizes.concurrent_connections,
            "wall_seconds": concurrent.wall_seconds,
            "server_cpu_busy": concurrent.server_cpu_seconds / concurrent.wall_seconds,
            "database_cpu_us_per_event": (
                concurrent.database_cpu_seconds / concurrent.events * 1e6
                if concurrent.database_cpu_seconds is not None
                else None
            ),
        },
        "idle_memory": asdict(memory),
        "load_average_before": load_before,
        "pid": process.pid_when_started,
    }
    if profile_path is not None:
        measured["profile"] = {"collapsed_stacks": str(profile_path), **asdict(summarise(profile_path))}
    return measured


def combine_rounds(server: BenchServer, rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """A server's figures: the median of each metric over the rounds, with every round kept."""
    combined: dict[str, Any] = {
        "label": server.label,
        "metrics": {
            key: statistics.median(measured["metrics"][key] for measured in rounds)
            for key in rounds[0]["metrics"]
        },
        "rounds": rounds,
    }
    profiles = [measured["profile"] for measured in rounds if "profile" in measured]
    if profiles:
        combined["profile"] = profiles[0]
    return combined


def ratios(servers: dict[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    """``{baseline: {server: {metric: value / baseline's value}}}`` for each baseline that ran."""
    found: dict[str, dict[str, dict[str, float]]] = {}
    for baseline in BASELINES:
        if baseline not in servers:
            continue
        reference = servers[baseline]["metrics"]
        found[baseline] = {
            name: {
                key: value / reference[key]
                for key, value in measured["metrics"].items()
                if reference.get(key) not in (None, 0)
            }
            for name, measured in servers.items()
        }
    return found


def print_comparison(results: dict[str, Any]) -> None:
    servers: dict[str, Any] = results["servers"]
    names = list(servers)
    labels = {name: servers[name]["label"] for name in servers}
    connections = results["sizes"]["concurrent_connections"]
    rows: list[list[str]] = []
    for metric in METRICS:
        label = metric.label.format(connections=connections)
        rows.append(
            [label, *(f"{servers[name]['metrics'][metric.key]:.{metric.decimals}f}" for name in names)]
        )
        for baseline, by_server in results["ratios"].items():
            rows.append(
                [f"  / {labels[baseline]}", *(_ratio_cell(by_server[name].get(metric.key)) for name in names)]
            )
    print_table(["", *(labels[name] for name in names)], rows)
    print("(ratios are value / baseline's value, measured in this run)")
    if "user_lookup" in results:
        print("\nthe database layer alone, get a user by id (bench.user_lookup):")
        user_lookup.print_lookup_table(results["user_lookup"])
    if "click_path" in results:
        print("\nthe click path inside one process, Layout.deliver + render (bench.click_path):")
        click_path.print_click_path_table(results["click_path"])
    for name in names:
        profile = servers[name].get("profile")
        if profile:
            print_profile(labels[name], profile)


def print_profile(label: str, profile: dict[str, Any]) -> None:
    print(f"\nprofile of {label} at saturation ({profile['samples']} samples, {profile['collapsed_stacks']})")
    for title, key in (
        ("self time by package", "self_by_package"),
        ("top functions by self time", "top_self_functions"),
        ("Heavy Stack functions (runtime and app), inclusive", "heavy_stack_inclusive"),
    ):
        print(f"  {title}:")
        for name, share in profile[key]:
            print(f"    {share * 100:5.1f}%  {name}")


def _ratio_cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def raise_open_file_limit(needed: int) -> None:
    """Each open connection is a file descriptor in the client and in the server (which inherits this)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise BenchmarkError(
            f"the benchmark needs {needed} open files but this shell allows at most {hard} "
            "(raise it with ulimit -Hn, or measure fewer connections with --scale)"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def server_process(
    server: BenchServer,
    log_dir: Path,
    database: BenchDatabase | None,
    environment: Mapping[str, str] | None = None,
) -> BenchServerProcess:
    """``server`` in a process of its own; the servers that use the database get its folder and row."""
    shared = database if database is not None and server.needs_database else None
    return BenchServerProcess(
        server,
        log_dir,
        data_dir=shared.data_dir if shared else None,
        user_id=shared.user_id if shared else None,
        environment=environment,
    )


@contextlib.contextmanager
def database_if_needed(steps: StepRunner, servers: tuple[BenchServer, ...]) -> Iterator[BenchDatabase | None]:
    if not any(server.needs_database for server in servers):
        yield None
        return
    with embedded_database(steps) as database:
        yield database


@contextlib.contextmanager
def embedded_database(steps: StepRunner) -> Iterator[BenchDatabase]:
    """An embedded PostgreSQL in a temporary folder with the schema and one user; stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="heavy-bench-db-") as folder:
        data_dir = Path(folder)
        postmaster_pid: int | None = None
        try:
            user_id = steps.run(_create_benchmark_user(data_dir))
            postmaster_pid = _pid(embedded_postgres(data_dir).pid)
            yield BenchDatabase(data_dir=data_dir, user_id=user_id, pid=postmaster_pid)
        finally:
            stop_embedded_postgres(data_dir)
            if postmaster_pid is not None:
                stop_process(postmaster_pid)


def stop_process(pid: int) -> None:
    """Stop process ``pid`` if it still runs.

    pgserver stops the database when its last user lets go, but a server process that had to be
    killed never lets go; the benchmark started this database, so it makes sure it stops.
    """
    with contextlib.suppress(psutil.NoSuchProcess):
        process = psutil.Process(pid)
        process.terminate()
        try:
            process.wait(10)
        except psutil.TimeoutExpired:
            process.kill()


async def _create_benchmark_user(data_dir: Path) -> str:
    urls, _ = await prepare_databases(bench_settings(data_dir), create_schema=True)
    engine = create_engine(urls.sql)
    sessionmaker = make_sessionmaker(engine)
    try:
        request_ctx = SimpleNamespace(sessionmaker=sessionmaker, vector_sessionmaker=sessionmaker)
        async with open_heavy_context(request_ctx) as context:
            user = await UserManager(UserSQLModelMunger()).create_user(display_name="Benchmark Bea")
            await context.db_session.commit()
        return str(user.id)
    finally:
        await engine.dispose()


def _pid(pid: int | None) -> int:
    if pid is None:
        raise BenchmarkError("the embedded PostgreSQL started but reports no process id")
    return pid


def selected_servers(names: tuple[str, ...]) -> tuple[BenchServer, ...]:
    """The servers named (in the table's order), or all of them."""
    return tuple(server for server in SERVERS if not names or server.name in names)
