"""``heavy add-table``: write a new table's five layers and their tests, named like the user example.

For table ``notes``, model ``SQLNote`` and key type ``NoteId`` it writes ``SQLNote`` (on
``HeavyModel``), the shared model ``Note``, ``NoteModelMunger`` / ``NoteSQLModelMunger``,
``NoteManager``, ``NoteRepository`` and tests for the last three, then registers the model in
``sql_models/__init__.py`` so that DEV start-up, pave-db and Alembic see the table.

Names are checked first and the whole plan is made before anything is written; a name that is
invalid, a Python keyword, clashes with the generated code or an existing file, names a table a
model already has, or is reserved (Alembic's version tables, PostgreSQL's ``pg_`` prefix) is
refused with one line. Templates live in ``templates/table`` (``string.Template``:
they read like the code they become).
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS as POSTGRESQL_RESERVED_WORDS

from heavy.data.heavy_model import HeavyModel, VectorHeavyModel
from heavy.data.metadata import register_all_tables
from heavy.errors import HeavyError
from heavy.migrations.targets import TARGETS
from heavy.scaffolding.code_style import tidy_python_files
from heavy.scaffolding.file_changes import FileWrite, apply_changes
from heavy.scaffolding.project_files import app_package, app_project_root, relative_path

TEMPLATES_DIR = Path(__file__).parent / "templates" / "table"
MAX_TABLE_NAME_LENGTH = 63  # PostgreSQL's identifier limit
LINE_LENGTH = 110  # as configured for ruff in pyproject.toml

_TABLE_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
_MODEL_NAME = re.compile(r"SQL[A-Z][A-Za-z0-9]*")
_PK_TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9]*Id")
SYSTEM_CATALOG_PREFIX = "pg_"  # PostgreSQL searches pg_catalog first: a pg_class table would be hidden
_SENTINEL_ENTITY = "ZzSentinel"  # renders the templates to find the names they use themselves

# Where each template goes; {snake} is the module name of the model (``note``, ``blog_post``).
_DESTINATIONS = {
    "sql_model.py.tmpl": "{package}/backend/data/sql_models/{snake}.py",
    "shared_model.py.tmpl": "{package}/shared_models/{snake}.py",
    "mungers.py.tmpl": "{package}/backend/data/model_mungers/{snake}_mungers.py",
    "repository.py.tmpl": "{package}/backend/data/repositories/{snake}_repository.py",
    "manager.py.tmpl": "{package}/backend/data/model_managers/{snake}_manager.py",
    "test_repository.py.tmpl": "tests/{package}/unit/data/test_{snake}_repository.py",
    "test_mungers.py.tmpl": "tests/{package}/unit/data/test_{snake}_mungers.py",
    "test_manager.py.tmpl": "tests/{package}/unit/data/test_{snake}_manager.py",
}
REGISTRY_MODULE = "{package}/backend/data/sql_models/__init__.py"


class ScaffoldingError(HeavyError):
    """A name or a project state the scaffolding tools refuse; nothing was written."""

    exit_code = 2


@dataclass(frozen=True)
class TableNames:
    """The three names a person chooses, and the ones derived from them."""

    table: str  # notes
    model: str  # SQLNote
    pk_type: str  # NoteId

    @property
    def entity(self) -> str:
        """The shared model and the stem of the other classes: ``Note``."""
        return self.model.removeprefix("SQL")

    @property
    def snake(self) -> str:
        """The module stem and variable name: ``note`` (``BlogPost`` -> ``blog_post``)."""
        return camel_to_snake(self.entity)


@dataclass(frozen=True)
class TablePlan:
    names: TableNames
    root: Path
    writes: tuple[FileWrite, ...]

    def listing(self) -> list[str]:
        """The files to be written, relative to the project root (the registry edit last)."""
        return [relative_path(write.path, self.root) for write in self.writes]


def camel_to_snake(name: str) -> str:
    """``BlogPost`` -> ``blog_post``, ``HTTPLog`` -> ``http_log``."""
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", spaced).lower()


def suggest_model_name(table: str) -> str:
    """``blog_posts`` -> ``SQLBlogPost``: singular, CamelCase, with the SQL prefix."""
    words = table.split("_")
    words[-1] = _singular(words[-1])
    return "SQL" + "".join(word.capitalize() for word in words)


def suggest_pk_type_name(model: str) -> str:
    """``SQLBlogPost`` -> ``BlogPostId``."""
    return f"{model.removeprefix('SQL')}Id"


def check_table_name(table: str) -> str:
    """Return ``table`` if it can be a new table's name, else raise ScaffoldingError."""
    if not _TABLE_NAME.fullmatch(table) or len(table) > MAX_TABLE_NAME_LENGTH:
        raise ScaffoldingError(
            f"invalid table name {table!r}: use lower_snake_case (letters, digits, single underscores, "
            f"starting with a letter, at most {MAX_TABLE_NAME_LENGTH} characters), e.g. notes"
        )
    if table in POSTGRESQL_RESERVED_WORDS:
        raise ScaffoldingError(f"{table!r} is a reserved word in SQL: pick another table name, e.g. {table}s")
    for target in TARGETS:
        if table == target.version_table:
            raise ScaffoldingError(
                f"{table!r} is reserved (Alembic keeps the {target.name} database's migration history "
                "in it): pick another table name"
            )
    if table.startswith(SYSTEM_CATALOG_PREFIX):
        raise ScaffoldingError(
            f"{table!r} starts with {SYSTEM_CATALOG_PREFIX}, which PostgreSQL keeps for its system "
            f"catalogs: pick another table name, e.g. {table.removeprefix(SYSTEM_CATALOG_PREFIX)}"
        )
    existing = {cls.__table__.name: cls for cls in _mapped_classes()}  # type: ignore[attr-defined]
    if table in existing:
        defined_by = existing[table]
        raise ScaffoldingError(
            f"table {table!r} already exists ({defined_by.__name__} in {defined_by.__module__}): "
            "pick another name"
        )
    return table


def check_model_name(model: str) -> str:
    """Return ``model`` if it can name the new SQL model, else raise ScaffoldingError."""
    if not _MODEL_NAME.fullmatch(model):
        raise ScaffoldingError(
            f"invalid SQL model name {model!r}: use SQL followed by a CamelCase name, e.g. SQLNote"
        )
    entity = model.removeprefix("SQL")
    snake = camel_to_snake(entity)
    for name in (entity, snake):
        if keyword.iskeyword(name):
            raise ScaffoldingError(f"{model} would make {name!r}, a Python keyword: pick another model name")
        if name in _template_identifiers():
            raise ScaffoldingError(
                f"{model} would make {name!r}, a name the generated code uses itself: pick another model name"
            )
    existing = {cls.__name__: cls.__module__ for cls in _mapped_classes()}
    if model in existing:
        raise ScaffoldingError(f"{model} already exists (in {existing[model]}): pick another model name")
    return model


def check_pk_type_name(pk_type: str) -> str:
    """Return ``pk_type`` if it can name the primary-key type, else raise ScaffoldingError."""
    if not _PK_TYPE_NAME.fullmatch(pk_type) or pk_type == "Id":
        raise ScaffoldingError(
            f"invalid primary-key type name {pk_type!r}: use a CamelCase name ending in Id, e.g. NoteId"
        )
    if pk_type in _template_identifiers():
        raise ScaffoldingError(f"{pk_type!r} is a name the generated code already uses: pick another")
    return pk_type


def plan_table(names: TableNames, root: Path | None = None) -> TablePlan:
    """Check every name and every destination, and render every file; nothing is written.

    Raises ScaffoldingError, naming the first problem, if anything would clash.
    """
    check_table_name(names.table)
    check_model_name(names.model)
    check_pk_type_name(names.pk_type)
    if names.pk_type in (names.model, names.entity):
        raise ScaffoldingError(
            f"the primary-key type {names.pk_type} needs a name of its own, e.g. {names.entity}Id"
        )
    root = root or app_project_root()
    package = app_package()
    values = _template_values(names)
    writes = []
    for template_name, destination in _DESTINATIONS.items():
        path = root / destination.format(package=package, snake=names.snake)
        if path.exists():
            raise ScaffoldingError(
                f"{relative_path(path, root)} already exists: pick another model name, or remove that file"
            )
        writes.append(FileWrite(path, _render(template_name, values)))
    registry_path = root / REGISTRY_MODULE.format(package=package)
    if not registry_path.is_file():
        raise ScaffoldingError(f"{relative_path(registry_path, root)} is missing: it registers every table")
    registered = register_model(registry_path.read_text(encoding="utf-8"), names)
    writes.append(FileWrite(registry_path, registered))
    return TablePlan(names=names, root=root, writes=tuple(writes))


def write_table(plan: TablePlan) -> str | None:
    """Write every planned file, or none of them; then tidy them with ruff (see ``code_style.py``).

    Returns ruff's complaint, if it had one (the files are written either way).
    """
    apply_changes(plan.writes)
    return tidy_python_files([write.path for write in plan.writes], plan.root)


def register_model(source: str, names: TableNames) -> str:
    """``sql_models/__init__.py`` with ``names.model`` imported (in sorted place) and in ``__all__``."""
    module = f"{app_package()}.backend.data.sql_models.{names.snake}"
    import_line = f"from {module} import {names.model}"
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)

    exported = next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets)
        ),
        None,
    )
    if exported is None or not isinstance(exported.value, ast.List | ast.Tuple):
        raise ScaffoldingError("sql_models/__init__.py has no __all__ list to register the model in")
    names_exported = [
        element.value
        for element in exported.value.elts
        if isinstance(element, ast.Constant) and isinstance(element.value, str)
    ]

    sibling_imports = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith(f"{app_package()}.backend.data.sql_models.")
    ]
    if not sibling_imports:
        raise ScaffoldingError("sql_models/__init__.py imports no models: cannot tell where to register")
    later = [node for node in sibling_imports if (node.module or "") > module]
    import_at = later[0].lineno - 1 if later else (sibling_imports[-1].end_lineno or 0)

    # Edit from the bottom up, so that the line numbers of the earlier edit still hold.
    edits = [
        (
            exported.lineno - 1,
            exported.end_lineno or exported.lineno,
            [_render_all([*names_exported, names.model])],
        ),
        (import_at, import_at, [import_line + "\n"]),
    ]
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start:end] = replacement
    return "".join(lines)


def _render_all(names: list[str]) -> str:
    # Sorted as ruff's RUF022 expects: SCREAMING_CASE, then CamelCase, then the rest.
    def group(name: str) -> int:
        return 0 if name.isupper() else 1 if name[0].isupper() else 2

    ordered = sorted(set(names), key=lambda name: (group(name), name))
    quoted = ", ".join(f'"{name}"' for name in ordered)
    one_line = f"__all__ = [{quoted}]\n"
    if len(one_line) - 1 <= LINE_LENGTH:
        return one_line
    return "__all__ = [\n" + "".join(f'    "{name}",\n' for name in ordered) + "]\n"


def _template_values(names: TableNames) -> dict[str, str]:
    human = names.snake.replace("_", " ")
    human_plural = names.table.replace("_", " ")
    return {
        "package": app_package(),
        "table": names.table,
        "model": names.model,
        "pk_type": names.pk_type,
        "entity": names.entity,
        "snake": names.snake,
        "human": human,
        "human_plural": human_plural,
        "human_plural_title": human_plural.capitalize(),
    }


def _render(template_name: str, values: dict[str, str]) -> str:
    return Template((TEMPLATES_DIR / template_name).read_text(encoding="utf-8")).substitute(values)


@functools.cache
def _template_identifiers() -> frozenset[str]:
    """Every name the generated code uses on its own (imports, locals, helpers), found by rendering
    the templates with placeholder names: a model whose names equal one of these would clash."""
    values = _template_values(TableNames("zz_sentinels", f"SQL{_SENTINEL_ENTITY}", f"{_SENTINEL_ENTITY}Id"))
    found: set[str] = set()
    for template_name in _DESTINATIONS:
        for node in ast.walk(ast.parse(_render(template_name, values))):
            if isinstance(node, ast.Name):
                found.add(node.id)
            elif isinstance(node, ast.arg):
                found.add(node.arg)
            elif isinstance(node, ast.alias):
                found.add(node.asname or node.name.partition(".")[0])
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.add(node.name)
    return frozenset(name for name in found if "sentinel" not in name.lower())


def _mapped_classes() -> list[type]:
    """Every table class of both databases: the runtime's and the app's (``HeavyApp.models``)."""
    register_all_tables()
    return [mapper.class_ for base in (HeavyModel, VectorHeavyModel) for mapper in base._sa_registry.mappers]


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
