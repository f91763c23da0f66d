"""``heavy``: one command for every workflow. Each subcommand lives in its own module here."""

from __future__ import annotations

import sys
from typing import Any

import click

from heavy_stack.errors import HeavyStackError


class HeavyGroup(click.Group):
    """Prints a :class:`HeavyStackError` as one line and exits with its code, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HeavyStackError as error:
            click.echo(f"heavy: error: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=HeavyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Heavy Stack: run, develop, test and operate a full-stack Python web app."""


def _register_commands() -> None:
    from heavy_stack.cli.add_table import add_table
    from heavy_stack.cli.bench import bench
    from heavy_stack.cli.dev import dev
    from heavy_stack.cli.load_test import load_test
    from heavy_stack.cli.migrate import migrate
    from heavy_stack.cli.pave_db import pave_db
    from heavy_stack.cli.profile import profile
    from heavy_stack.cli.record import record
    from heavy_stack.cli.rename import rename
    from heavy_stack.cli.run import run
    from heavy_stack.cli.test_daemon import test_daemon
    from heavy_stack.cli.time_tracking import time_tracking

    commands = (
        run,
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
