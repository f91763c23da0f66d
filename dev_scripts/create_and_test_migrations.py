"""Create and test migrations, as the original's launch profile did: ``heavy migrate create``
(which autogenerates against a scratch database and then tests the result), then
``heavy migrate test`` over the whole history. Stops at the first step that fails.

    python dev_scripts/create_and_test_migrations.py "add notes table"
"""

import sys

import click

from heavy.cli import cli

PROGRAM = "create_and_test_migrations.py"
EXAMPLE = f'python dev_scripts/{PROGRAM} "add notes table"'


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("message")
def create_and_test_migrations(message: str) -> int:
    """Write the next migration, named MESSAGE, and test it (heavy migrate create), then test every
    migration on fresh databases (heavy migrate test). Stops at the first step that fails."""
    for arguments in (["migrate", "create", "--", message], ["migrate", "test"]):
        exit_code = run_heavy(arguments)
        if exit_code != 0:
            return exit_code
    return 0


def run_heavy(arguments: list[str]) -> int:
    """``heavy ARGUMENTS`` in this process (so a debugger follows it); its exit code."""
    try:
        cli.main(arguments, prog_name="heavy")  # standalone: errors are printed as one line, then it exits
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else int(done.code is not None)
    return 0


def main(argv: list[str]) -> int:
    """Run the two steps for ``argv``; bad usage is one line on stderr and exit code 2."""
    try:
        exit_code: int = create_and_test_migrations.main(argv, prog_name=PROGRAM, standalone_mode=False)
    except click.UsageError as error:
        problem = error.format_message().rstrip(".")
        click.echo(f"{PROGRAM}: error: {problem}: give one message, in quotes, e.g. {EXAMPLE}", err=True)
        return error.exit_code
    return exit_code  # 0 after --help


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
