from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from heavy.scaffolding.add_table import (
    ScaffoldingError,
    TableNames,
    camel_to_snake,
    check_model_name,
    check_pk_type_name,
    check_table_name,
    plan_table,
    register_model,
    suggest_model_name,
    suggest_pk_type_name,
    write_table,
)
from tests.support import PROJECT_ROOT

PACKAGE_NAME = "heavy_stack"

REGISTRY = f"{PACKAGE_NAME}/backend/data/sql_models/__init__.py"
NOTES = TableNames(table="notes", model="SQLNote", pk_type="NoteId")


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """A project with just the model registry: enough to plan and write a table into."""
    (tmp_path / REGISTRY).parent.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / REGISTRY, tmp_path / REGISTRY)
    return tmp_path


class TestNames:
    @pytest.mark.parametrize(
        ("camel", "snake"),
        [("Note", "note"), ("BlogPost", "blog_post"), ("HTTPLog", "http_log"), ("Item2Tag", "item2_tag")],
    )
    def test_camel_case_becomes_snake_case(self, camel: str, snake: str) -> None:
        assert camel_to_snake(camel) == snake

    @pytest.mark.parametrize(
        ("table", "model"),
        [
            ("notes", "SQLNote"),
            ("blog_posts", "SQLBlogPost"),
            ("categories", "SQLCategory"),
            ("addresses", "SQLAddress"),
            ("news", "SQLNew"),
            ("staff", "SQLStaff"),
        ],
    )
    def test_the_suggested_model_is_the_singular_with_the_sql_prefix(self, table: str, model: str) -> None:
        assert suggest_model_name(table) == model

    def test_the_suggested_key_type_is_the_entity_with_id(self) -> None:
        assert suggest_pk_type_name("SQLBlogPost") == "BlogPostId"

    def test_derived_names_follow_the_user_example(self) -> None:
        names = TableNames(table="blog_posts", model="SQLBlogPost", pk_type="BlogPostId")

        assert (names.entity, names.snake) == ("BlogPost", "blog_post")


class TestRefusals:
    @pytest.mark.parametrize("table", ["Notes", "1notes", "notes__old", "notes_", "no-tes", "n" * 64, ""])
    def test_invalid_table_names(self, table: str) -> None:
        with pytest.raises(ScaffoldingError, match=r"invalid table name .*lower_snake_case"):
            check_table_name(table)

    @pytest.mark.parametrize("table", ["order", "user", "select"])
    def test_sql_reserved_words(self, table: str) -> None:
        with pytest.raises(ScaffoldingError, match=f"'{table}' is a reserved word in SQL"):
            check_table_name(table)

    @pytest.mark.parametrize(("table", "model"), [("users", "SQLUser"), ("documents", "SQLDocument")])
    def test_tables_that_exist_in_either_database(self, table: str, model: str) -> None:
        with pytest.raises(ScaffoldingError, match=f"table '{table}' already exists \\({model} in "):
            check_table_name(table)

    @pytest.mark.parametrize(
        ("table", "database"), [("alembic_version", "sql"), ("alembic_version_vector", "vector")]
    )
    def test_alembics_version_tables(self, table: str, database: str) -> None:
        with pytest.raises(
            ScaffoldingError,
            match=f"'{table}' is reserved \\(Alembic keeps the {database} database's migration",
        ):
            check_table_name(table)

    def test_postgresqls_system_catalog_prefix(self) -> None:
        with pytest.raises(ScaffoldingError, match=r"'pg_notes' starts with pg_, .* e\.g\. notes"):
            check_table_name("pg_notes")

    @pytest.mark.parametrize("table", ["notes", "alembic_versions", "page_views"])
    def test_names_near_the_reserved_ones_are_accepted(self, table: str) -> None:
        assert check_table_name(table) == table

    @pytest.mark.parametrize("model", ["Note", "SQLnote", "SQL", "sqlNote", "SQLNote!"])
    def test_invalid_model_names(self, model: str) -> None:
        with pytest.raises(ScaffoldingError, match="invalid SQL model name"):
            check_model_name(model)

    def test_a_model_that_would_make_a_python_keyword(self) -> None:
        with pytest.raises(ScaffoldingError, match="'None', a Python keyword"):
            check_model_name("SQLNone")

    @pytest.mark.parametrize(
        ("model", "clash"), [("SQLName", "name"), ("SQLSelf", "self"), ("SQLBaseModel", "BaseModel")]
    )
    def test_a_model_whose_names_the_generated_code_already_uses(self, model: str, clash: str) -> None:
        with pytest.raises(ScaffoldingError, match=f"'{clash}', a name the generated code uses itself"):
            check_model_name(model)

    def test_a_model_that_exists(self) -> None:
        with pytest.raises(ScaffoldingError, match="SQLUser already exists"):
            check_model_name("SQLUser")

    @pytest.mark.parametrize("pk_type", ["NoteKey", "Id", "noteId", "Note_Id"])
    def test_invalid_key_type_names(self, pk_type: str) -> None:
        with pytest.raises(ScaffoldingError, match="invalid primary-key type name"):
            check_pk_type_name(pk_type)

    def test_a_key_type_named_like_the_model(self, project_root: Path) -> None:
        with pytest.raises(ScaffoldingError, match="needs a name of its own"):
            plan_table(TableNames(table="ids", model="SQLNoteId", pk_type="NoteId"), project_root)

    def test_a_file_in_the_way_is_refused_and_nothing_is_written(self, project_root: Path) -> None:
        clash = project_root / PACKAGE_NAME / "shared_models" / "note.py"
        clash.parent.mkdir(parents=True)
        clash.write_text("# someone's own note model\n")
        registry_before = (project_root / REGISTRY).read_text()

        with pytest.raises(ScaffoldingError, match=f"{PACKAGE_NAME}/shared_models/note.py already exists"):
            plan_table(NOTES, project_root)

        assert (project_root / REGISTRY).read_text() == registry_before
        assert clash.read_text() == "# someone's own note model\n"
        assert sorted(path.name for path in (project_root / PACKAGE_NAME).iterdir()) == [
            "backend",
            "shared_models",
        ]


class TestPlanAndWrite:
    def test_plans_every_layer_and_its_tests_with_the_user_example_names(self, project_root: Path) -> None:
        plan = plan_table(NOTES, project_root)

        assert plan.listing() == [
            f"{PACKAGE_NAME}/backend/data/sql_models/note.py",
            f"{PACKAGE_NAME}/shared_models/note.py",
            f"{PACKAGE_NAME}/backend/data/model_mungers/note_mungers.py",
            f"{PACKAGE_NAME}/backend/data/repositories/note_repository.py",
            f"{PACKAGE_NAME}/backend/data/model_managers/note_manager.py",
            f"tests/{PACKAGE_NAME}/unit/data/test_note_repository.py",
            f"tests/{PACKAGE_NAME}/unit/data/test_note_mungers.py",
            f"tests/{PACKAGE_NAME}/unit/data/test_note_manager.py",
            REGISTRY,
        ]
        contents = dict(zip(plan.listing(), (write.content for write in plan.writes), strict=True))
        data = f"{PACKAGE_NAME}/backend/data"
        assert "class SQLNote(HeavyModel, table=True):" in contents[f"{data}/sql_models/note.py"]
        assert '__tablename__ = "notes"' in contents[f"{data}/sql_models/note.py"]
        assert "class Note(BaseModel):" in contents[f"{PACKAGE_NAME}/shared_models/note.py"]
        assert (
            "class NoteRepository(SQLRepositoryBase):" in contents[f"{data}/repositories/note_repository.py"]
        )
        assert (
            "class NoteModelMunger(ModelMunger[Note, SQLNote]):"
            in contents[f"{data}/model_mungers/note_mungers.py"]
        )
        assert (
            "class NoteManager(BaseManager[T, SQLNote]):"
            in contents[f"{data}/model_managers/note_manager.py"]
        )
        for write in plan.writes:
            ast.parse(write.content)  # every file is valid Python

    def test_planning_writes_nothing(self, project_root: Path) -> None:
        plan_table(NOTES, project_root)

        assert not (project_root / PACKAGE_NAME / "shared_models").exists()
        assert "SQLNote" not in (project_root / REGISTRY).read_text()

    def test_write_creates_every_file_and_registers_the_model(self, project_root: Path) -> None:
        plan = plan_table(NOTES, project_root)

        write_table(plan)

        for write in plan.writes:
            assert write.path.is_file()
        registry = (project_root / REGISTRY).read_text()
        assert f"from {PACKAGE_NAME}.backend.data.sql_models.note import SQLNote\n" in registry

    def test_a_failed_write_leaves_the_project_as_it_was(self, project_root: Path) -> None:
        registry_before = (project_root / REGISTRY).read_text()
        plan = plan_table(NOTES, project_root)
        (project_root / "tests").write_text("a file where the tests folder should be")

        with pytest.raises(OSError, match="tests"):
            write_table(plan)

        assert (project_root / REGISTRY).read_text() == registry_before
        assert sorted(path.name for path in (project_root / PACKAGE_NAME).iterdir()) == ["backend"]
        assert not (project_root / PACKAGE_NAME / "backend" / "data" / "sql_models" / "note.py").exists()


class TestRegisterModel:
    def test_imports_in_sorted_place_and_exports_in_ruff_order(self) -> None:
        source = (PROJECT_ROOT / REGISTRY).read_text()

        registered = register_model(
            source, TableNames(table="gadgets", model="SQLGadget", pk_type="GadgetId")
        )

        lines = registered.splitlines()
        imports = [line for line in lines if line.startswith(f"from {PACKAGE_NAME}.backend.data.sql_models.")]
        assert imports == sorted(imports)
        assert f"from {PACKAGE_NAME}.backend.data.sql_models.gadget import SQLGadget" in imports
        tree = ast.parse(registered)
        exported = next(node for node in tree.body if isinstance(node, ast.Assign))
        names = ast.literal_eval(exported.value)
        assert "SQLGadget" in names
        assert names == sorted(names, key=lambda name: (not name[0].isupper(), name))

    def test_a_long_export_list_is_written_one_name_per_line(self) -> None:
        source = 'from pkg.backend.data.sql_models.a import A\n\n__all__ = ["A"]\n'.replace(
            "pkg", PACKAGE_NAME
        )
        names = TableNames(
            table="very_long_table_names", model="SQLVeryLongTableName" + "X" * 90, pk_type="XId"
        )

        registered = register_model(source, names)

        assert registered.endswith(f'__all__ = [\n    "A",\n    "{names.model}",\n]\n')
