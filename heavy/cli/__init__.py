"""``heavy``: one command for every workflow. Each subcommand lives in its own module here."""

from __future__ import annotations

import sys
from typing import Any

import click

from heavy.errors import HeavyError


class HeavyGroup(click.Group):
    """Prints a :class:`HeavyError` as one line and exits with its code, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HeavyError as error:
            click.echo(f"heavy: error: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=HeavyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Heavy Stack: run, develop, test and operate a full-stack Python web app."""


def _register_commands() -> None:
    from heavy.cli.add_table import add_table
    from heavy.cli.bench import bench
    from heavy.cli.dev import dev
    from heavy.cli.hosts import hosts
    from heavy.cli.load_test import load_test
    from heavy.cli.migrate import migrate
    from heavy.cli.pave_db import pave_db
    from heavy.cli.profile import profile
    from heavy.cli.record import record
    from heavy.cli.rename import rename
    from heavy.cli.run import run
    from heavy.cli.test_daemon import test_daemon
    from heavy.cli.time_tracking import time_tracking

    commands = (
        run,
        hosts,
        dev,
        test_daemon,
        pave_db,
        migrate,
        add_table,
        rename,
        record,
        load_test,
        time_tracking,
        profile,
        bench,
    )
    for command in commands:
        cli.add_command(command)


_register_commands()


def main() -> None:
    cli(prog_name="heavy")
