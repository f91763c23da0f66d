"""``heavy rename``: give the app its own name, everywhere at once, and leave the runtime alone.

The app's name (``HeavyApp.package`` and ``HeavyApp.title``; ``heavy_stack`` and ``Heavy Stack``
in the template) appears in a handful of spellings; each is replaced by the same spelling of the
new name, in every text file of the project and in file and folder names:

    heavy_stack  HEAVY_STACK  heavy-stack  HeavyStack  heavyStack  heavystack
    Heavy Stack  heavy stack  HEAVY STACK

That covers the app package and its imports, its tests folder, the ``HEAVY_STACK_`` environment
prefix, the distribution name and the app's entry point in pyproject.toml, ``uv.lock``, titles,
the app's Brython package, Docker, devcontainer, editor and CI files, and the docs, without a list
of files to keep up to date (``project_files.py`` decides what is ours). The runtime's files
(``heavy/``, ``brython/heavy_brython/``, ``brython/reactpy_bridge.py``) are never touched: they are
upgraded with the runtime. The ``heavy`` command keeps its name, like ``HeavyModel`` and ``heavy_event``.

A line that contains ``rename: keep`` is left as it is, for credits to the template the project
started from. The rename refuses a dirty git tree (so it can be reviewed with ``git diff`` and
undone), plans every change before writing anything, and afterwards reports any mention it could
not replace.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from heavy.errors import HeavyError
from heavy.scaffolding.code_style import tidy_python_files
from heavy.scaffolding.file_changes import FileWrite, PathRename, apply_changes
from heavy.scaffolding.project_files import (
    RUNTIME_PATHS,
    app_project_root,
    iter_project_files,
    read_text_file,
    relative_path,
)

KEEP_MARKER = "rename: keep"  # a line containing this keeps the old name
MAX_NAME_LENGTH = 40

_PACKAGE_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
_PROPER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*([ -][A-Za-z0-9]+)*")


class RenameRefusedError(HeavyError):
    """The new name or the state of the project does not allow a rename; nothing was changed."""

    exit_code = 2


@dataclass(frozen=True)
class ProjectName:
    """A project's name: the package name and the name people read."""

    package: str  # heavy_stack
    proper: str  # Heavy Stack

    @classmethod
    def from_package(cls, package: str, proper: str | None = None) -> ProjectName:
        return cls(package, proper or " ".join(word.capitalize() for word in package.split("_")))

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling, in a fixed order, so two names' spellings pair up."""
        words = self.package.split("_")
        camel = "".join(word.capitalize() for word in words)
        return (
            self.package,
            self.package.upper(),
            "-".join(words),
            camel,
            camel[0].lower() + camel[1:],
            "".join(words),
            self.proper,
            self.proper.lower(),
            self.proper.upper(),
        )


def current_name() -> ProjectName:
    """The registered app's name (``HeavyApp.package`` and ``HeavyApp.title``)."""
    from heavy.app import current_app

    app = current_app()
    return ProjectName(app.package, app.title)


def is_runtime_file(path: Path, root: Path) -> bool:
    """Whether ``path`` belongs to the runtime (never renamed: see :data:`RUNTIME_PATHS`)."""
    relative = path.relative_to(root).as_posix()
    return any(relative == runtime or relative.startswith(f"{runtime}/") for runtime in RUNTIME_PATHS)


@dataclass(frozen=True)
class FileEdit:
    path: Path
    replacements: Counter[tuple[str, str]]  # (old spelling, new spelling) -> count


@dataclass(frozen=True)
class RenamePlan:
    """Every change a rename makes; nothing is changed until :func:`apply_rename`."""

    root: Path
    old: ProjectName
    new: ProjectName
    writes: tuple[FileWrite, ...]
    edits: tuple[FileEdit, ...]
    renames: tuple[PathRename, ...]
    binary_mentions: tuple[Path, ...]  # binary files that mention the old name: left as they are

    def listing(self) -> list[str]:
        """One line per change, for ``--dry-run`` and the confirmation prompt."""
        lines = []
        for edit in self.edits:
            counts = ", ".join(f"{old} -> {new} ({n})" for (old, new), n in sorted(edit.replacements.items()))
            lines.append(f"edit    {relative_path(edit.path, self.root)}: {counts}")
        for rename in sorted(self.renames, key=lambda item: item.source):
            lines.append(
                f"rename  {relative_path(rename.source, self.root)} -> "
                f"{relative_path(rename.destination, self.root)}"
            )
        for path in self.binary_mentions:
            lines.append(f"skip    {relative_path(path, self.root)} (binary; mentions {self.old.package})")
        return lines


def check_new_name(new: ProjectName, *, old: ProjectName | None = None, root: Path | None = None) -> None:
    """Raise RenameRefusedError (one line) unless ``new`` can replace ``old`` in the project at ``root``."""
    old = old or current_name()
    root = root or app_project_root()
    package = new.package
    if not _PACKAGE_NAME.fullmatch(package) or len(package) > MAX_NAME_LENGTH:
        raise RenameRefusedError(
            f"invalid name {package!r}: use lower_snake_case (letters, digits, single underscores, starting "
            f"with a letter, at most {MAX_NAME_LENGTH} characters), e.g. acme_portal"
        )
    if package == old.package:
        raise RenameRefusedError(f"the project is already called {package}")
    if keyword.iskeyword(package) or package in sys.stdlib_module_names:
        raise RenameRefusedError(f"{package!r} is a Python keyword or standard module: pick another name")
    if (root / package).exists():
        raise RenameRefusedError(f"{package!r} is taken by {root / package}: pick another name")
    if importlib.util.find_spec(package) is not None:
        raise RenameRefusedError(f"{package!r} is the name of an installed module: pick another name")
    if not _PROPER_NAME.fullmatch(new.proper) or len(new.proper) > MAX_NAME_LENGTH:
        raise RenameRefusedError(
            f"invalid proper name {new.proper!r}: use letters and digits separated by single spaces or "
            "hyphens, e.g. 'Acme Portal'"
        )
    for spelling in new.spellings:
        if _mentions(spelling, old):
            raise RenameRefusedError(f"the new name must not contain the old one ({spelling!r})")


def check_clean_git_tree(root: Path) -> None:
    """Refuse uncommitted changes: a rename should be reviewable (``git diff``) and undoable."""
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return  # no git here: nothing to protect
    if status.returncode != 0:
        return  # not a git checkout
    changed = status.stdout.splitlines()
    if changed:
        raise RenameRefusedError(
            f"{len(changed)} uncommitted change{'s' if len(changed) != 1 else ''} in {root} "
            f"(e.g. {changed[0].strip()}): commit or stash first so the rename can be reviewed and "
            "undone, or pass --force"
        )


def plan_rename(new: ProjectName, *, old: ProjectName | None = None, root: Path | None = None) -> RenamePlan:
    """Read every project file outside the runtime and work out each change. Writes nothing."""
    old = old or current_name()
    root = root or app_project_root()
    check_new_name(new, old=old, root=root)
    replacements = dict(zip(old.spellings, new.spellings, strict=True))
    pattern = re.compile(
        "|".join(re.escape(spelling) for spelling in sorted(replacements, key=len, reverse=True))
    )
    writes: list[FileWrite] = []
    edits: list[FileEdit] = []
    renames: dict[Path, PathRename] = {}
    binary_mentions: list[Path] = []
    for path in iter_project_files(root):
        if is_runtime_file(path, root):
            continue
        text = read_text_file(path)
        if text is None:
            if _mentions(path.read_bytes().decode("latin-1"), old):
                binary_mentions.append(path)
        else:
            counts: Counter[tuple[str, str]] = Counter()

            def replace(match: re.Match[str], counts: Counter[tuple[str, str]] = counts) -> str:
                counts[(match.group(0), replacements[match.group(0)])] += 1
                return replacements[match.group(0)]

            new_text = "".join(
                line if KEEP_MARKER in line else pattern.sub(replace, line)
                for line in text.splitlines(keepends=True)
            )
            if counts:
                writes.append(FileWrite(path, new_text))
                edits.append(FileEdit(path, counts))
        for part in path.relative_to(root).parents:
            if part != Path("."):
                _plan_path_rename(root / part, pattern, replacements, renames)
        _plan_path_rename(path, pattern, replacements, renames)
    return RenamePlan(
        root=root,
        old=old,
        new=new,
        writes=tuple(writes),
        edits=tuple(edits),
        renames=tuple(renames.values()),
        binary_mentions=tuple(binary_mentions),
    )


def apply_rename(plan: RenamePlan) -> str | None:
    """Make every change of ``plan``, or none (a failure part-way puts everything back); then
    tidy the edited Python files with ruff. Returns ruff's complaint, if it had one."""
    apply_changes(plan.writes, plan.renames)
    return tidy_python_files([_path_after(write.path, plan) for write in plan.writes], plan.root)


def find_leftovers(root: Path, old: ProjectName) -> list[str]:
    """Mentions of ``old`` in any spelling (case and separators ignored) still in the project,
    outside lines marked ``rename: keep`` and the runtime's files."""
    pattern = _loose_pattern(old)
    leftovers = []
    for path in iter_project_files(root):
        if is_runtime_file(path, root):
            continue
        shown = relative_path(path, root)
        if _mentions(shown, old):
            leftovers.append(f"{shown}: in the path")
        text = read_text_file(path)
        if text is None:
            found = pattern.findall(path.read_bytes().decode("latin-1"))
            leftovers.extend(f"{shown} (binary): {mention!r}" for mention in found)
            continue
        for match in pattern.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            if KEEP_MARKER not in text[line_start : line_end if line_end >= 0 else None]:
                line_number = text.count("\n", 0, match.start()) + 1
                leftovers.append(f"{shown}:{line_number}: {match.group(0)!r}")
    return leftovers


def _path_after(path: Path, plan: RenamePlan) -> Path:
    """Where ``path`` is once the plan's renames are done."""
    new_names = {rename.source: rename.new_name for rename in plan.renames}
    relative = path.relative_to(plan.root)
    parts = [
        new_names.get(plan.root.joinpath(*relative.parts[: index + 1]), part)
        for index, part in enumerate(relative.parts)
    ]
    return plan.root.joinpath(*parts)


def _plan_path_rename(
    path: Path, pattern: re.Pattern[str], replacements: dict[str, str], renames: dict[Path, PathRename]
) -> None:
    if path in renames:
        return
    new_name = pattern.sub(lambda match: replacements[match.group(0)], path.name)
    if new_name != path.name:
        renames[path] = PathRename(path, new_name)


def _loose_pattern(name: ProjectName) -> re.Pattern[str]:
    """The name (package or proper) in any case, with any run of spaces, underscores or hyphens
    (line breaks included) between its words."""
    word_lists = {tuple(name.package.split("_")), tuple(re.split(r"[ -]", name.proper))}
    alternatives = [r"[\s_-]*".join(re.escape(word) for word in words) for words in word_lists]
    return re.compile("|".join(sorted(alternatives)), re.IGNORECASE)


def _mentions(text: str, name: ProjectName) -> bool:
    return _loose_pattern(name).search(text) is not None
