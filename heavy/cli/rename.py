"""``heavy rename``: rename the project (package, imports, env prefix, titles, docs, tooling files).

Asks for the new name when ``--name`` is not given (as the original's ``rename_project.py`` did)
and confirms before writing; with ``--name`` it asks nothing. See docs/scaffolding.md.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from heavy.errors import HeavyError


@click.command()
@click.option("--name", help="New package name, lower_snake_case (acme_portal).")
@click.option(
    "--proper-name", help="Name people read, for titles and docs.  [default: from --name, e.g. Acme Portal]"
)
@click.option("--dry-run", is_flag=True, help="List every change and change nothing.")
@click.option("--force", is_flag=True, help="Rename even with uncommitted changes in the git tree.")
def rename(name: str | None, proper_name: str | None, dry_run: bool, force: bool) -> None:
    """Give the app a new name in every file and path (binaries, .git, .venv, .heavy and the
    runtime's files excepted).

    Refuses an invalid name, and a git tree with uncommitted changes unless --force, before
    changing anything. The `heavy` command keeps its name; the app's entry point follows the package.
    """
    from heavy.scaffolding.project_files import app_project_root
    from heavy.scaffolding.rename import (
        ProjectName,
        apply_rename,
        check_clean_git_tree,
        check_new_name,
        current_name,
        find_leftovers,
        plan_rename,
    )

    old = current_name()

    interactive = name is None
    if not force and not dry_run:
        check_clean_git_tree(app_project_root())
    if name is None:
        name = click.prompt(
            f"New package name for {old.package} (lower_snake_case, e.g. acme_portal)",
            value_proc=_checked(lambda answer: check_new_name(ProjectName.from_package(answer))),
        )
        assert name is not None
    if proper_name is None and interactive:
        proper_name = click.prompt(
            "Proper name (for titles and docs)",
            default=ProjectName.from_package(name).proper,
            value_proc=_checked(lambda answer: check_new_name(ProjectName.from_package(name, answer))),
        )
    plan = plan_rename(ProjectName.from_package(name, proper_name))
    summary = (
        f"{old.package} -> {plan.new.package} ({old.proper!r} -> {plan.new.proper!r}): "
        f"{_count(len(plan.edits), 'file')} edited, {_count(len(plan.renames), 'path')} renamed"
    )
    if dry_run or interactive:
        for line in plan.listing():
            click.echo(line)
    if dry_run:
        click.echo(f"dry run, nothing changed: {summary}")
        return
    if interactive and not click.confirm(f"Rename {summary}?", default=True):
        click.echo("nothing changed")
        return
    complaint = apply_rename(plan)
    if complaint:
        click.echo(f"note: ruff could not tidy the edited files: {complaint}")
    click.echo(f"renamed {summary}")
    leftovers = find_leftovers(plan.root, old)
    for leftover in leftovers:
        click.echo(f"left as it was: {leftover}")
    click.echo(
        "next: make install (installs the package under its new name), then make test. The embedded "
        "PostgreSQL gets databases named after the project on the next start."
    )


def _checked(check: Callable[[str], None]) -> Callable[[str], str]:
    """A click value_proc that asks again, with the one-line reason, when ``check`` refuses."""

    def value_proc(answer: str) -> str:
        try:
            check(answer.strip())
        except HeavyError as error:
            raise click.BadParameter(str(error)) from None
        return answer.strip()

    return value_proc


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
