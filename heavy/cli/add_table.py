"""``heavy add-table``: add a table with its model, shared model, mungers, manager, repository and tests.

Asks for what is not given as an option (as the original's script did); with ``--yes`` it asks
nothing, so scripts and tests can drive it.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from heavy.errors import HeavyError


@click.command("add-table")
@click.option("--table", help="Table name: plural, lower_snake_case (notes, blog_posts).")
@click.option(
    "--model", help="SQL model class: SQL + CamelCase singular.  [default: from --table, e.g. SQLNote]"
)
@click.option("--pk-type", help="Primary-key type, ending in Id.  [default: from --model, e.g. NoteId]")
@click.option("--yes", "-y", is_flag=True, help="Write without asking; missing names take their defaults.")
def add_table(table: str | None, model: str | None, pk_type: str | None, yes: bool) -> None:
    """Write a new table's SQL model, shared model, mungers, manager, repository and their tests.

    Registers the model so DEV start-up, pave-db and Alembic see it. Refuses invalid, reserved or
    clashing names, and a table name a model already has, before writing anything.
    """
    from heavy.scaffolding.add_table import (
        ScaffoldingError,
        TableNames,
        check_model_name,
        check_pk_type_name,
        check_table_name,
        plan_table,
        suggest_model_name,
        suggest_pk_type_name,
        write_table,
    )

    if table is None and yes:
        raise ScaffoldingError("--table is required with --yes")
    table = _ask("Table name (plural, lower_snake_case, e.g. notes)", table, None, check_table_name)
    model = _ask("SQL model name", model, suggest_model_name(table), check_model_name, use_default=yes)
    pk_type = _ask(
        "Primary-key type name", pk_type, suggest_pk_type_name(model), check_pk_type_name, use_default=yes
    )
    plan = plan_table(TableNames(table=table, model=model, pk_type=pk_type))
    click.echo("Files to write:")
    for path in plan.listing():
        click.echo(f"  {path}")
    if not yes and not click.confirm("Write them?", default=True):
        click.echo("nothing written")
        return
    complaint = write_table(plan)
    if complaint:
        click.echo(f"note: ruff could not tidy the new files: {complaint}")
    click.echo(
        f"wrote {len(plan.writes)} files and registered {model}. Next: add your columns to {model}, "
        f'then run: heavy migrate create "add {table}"'
    )


def _ask(
    prompt: str,
    given: str | None,
    default: str | None,
    check: Callable[[str], str],
    *,
    use_default: bool = False,
) -> str:
    """The option's value if given (checked: a bad one is a one-line error), else the default when
    told to use it, else ask until the answer passes the check."""
    if given is not None:
        return check(given)
    if use_default and default is not None:
        return check(default)

    def checked(answer: str) -> str:
        try:
            return check(answer.strip())
        except HeavyError as error:
            raise click.BadParameter(str(error)) from None

    answer: str = click.prompt(prompt, default=default, value_proc=checked)
    return answer
