"""``heavy bench``: Heavy Stack side by side with bare ReactPy and a raw websocket echo, in one run.

The benchmark itself lives in ``bench/`` (a source checkout's folder, not part of the package);
this module only reads the options and starts it.
"""

from __future__ import annotations

from pathlib import Path

import click

from heavy.errors import HeavyError

SERVER_NAMES = ("echo", "reactpy", "heavy", "heavy-db")  # bench.servers.SERVERS, in the table's order


@click.command()
@click.option(
    "--quick",
    is_flag=True,
    help="Fewer samples, no live fan-out: under two minutes instead of under fifteen.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Multiply every sample size by this (0.02 makes a smoke run of a few seconds).",
)
@click.option(
    "--server",
    "server_names",
    type=click.Choice(SERVER_NAMES),
    multiple=True,
    help="Measure only this server (repeat for several).  [default: all four]",
)
@click.option(
    "--profile",
    is_flag=True,
    help="Sample each server with py-spy while it is saturated and print where its CPU goes.",
)
@click.option(
    "--live/--no-live",
    default=None,
    help="Also measure live updates fan-out (1,000 tabs on 2 workers, bench.live_fanout).  "
    "[default: on, off with --quick or --server]",
)
@click.option(
    "--results-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the JSON results (and profiles) go.  [default: bench/results]",
)
def bench(
    quick: bool,
    scale: float,
    server_names: tuple[str, ...],
    profile: bool,
    live: bool | None,
    results_dir: Path | None,
) -> None:
    """Measure a raw websocket echo, bare ReactPy, Heavy Stack, and Heavy Stack reading the database.

    Each server runs alone in its own process on a free port and is measured with the same client:
    click round trips with 1 and with 100 connections, events per second at saturation, RSS per
    idle connection, start-up time. Prints one table with ratios to bare ReactPy and to the echo,
    and writes the results as JSON. Then live updates fan-out: publish-to-update latency and
    deliveries per second to 1,000 tabs over PostgreSQL and Redis, against in-process delivery.
    See docs/performance.md.
    """
    try:
        from bench import live_fanout, stack_comparison
        from bench.results import RESULTS_DIR
    except ImportError as error:
        raise HeavyError(
            f"heavy bench runs from a source checkout with bench/ next to heavy/ ({error})"
        ) from None
    sizes = (stack_comparison.QUICK if quick else stack_comparison.FULL).scaled(scale)
    stack_comparison.run_comparison(
        sizes,
        stack_comparison.selected_servers(server_names),
        results_dir=results_dir or RESULTS_DIR,
        profile=profile,
    )
    if live is None:
        live = not quick and not server_names
    if live:
        print("\nlive updates fan-out (bench.live_fanout) ...", flush=True)
        live_fanout.run_fanout(
            (live_fanout.QUICK if quick else live_fanout.FULL).scaled(scale),
            results_dir=results_dir or RESULTS_DIR,
            profile=profile,
        )
    else:
        print("\nlive updates fan-out skipped (--live, or: python -m bench.live_fanout)")
