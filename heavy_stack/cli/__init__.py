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
    from heavy_stack.cli.bench import bench
    from heavy_stack.cli.pave_db import pave_db
    from heavy_stack.cli.run import run

    for command in (run, pave_db, bench):
        cli.add_command(command)


_register_commands()


def main() -> None:
    cli(prog_name="heavy")
