from __future__ import annotations

import pytest
from alembic.autogenerate.api import AutogenContext
from alembic.runtime.migration import MigrationContext
from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, create_mock_engine
from sqlmodel.sql.sqltypes import AutoString

from heavy.data.metadata import sql_metadata
from heavy.errors import HeavyError
from heavy.migrations.environment import render_item
from heavy.migrations.runner import describe_difference
from heavy.migrations.targets import (
    SQL_TARGET,
    TARGETS,
    VECTOR_TARGET,
    tables_of_other_targets,
    target_named,
)


class TestTargets:
    def test_each_database_has_its_own_history_folder_and_version_table(self) -> None:
        assert [target.name for target in TARGETS] == ["sql", "vector"]
        assert SQL_TARGET.versions_dir.parts[-3:] == ("alembic", "versions", "sql")
        assert VECTOR_TARGET.versions_dir.parts[-3:] == ("alembic", "versions", "vector")
        assert SQL_TARGET.version_table != VECTOR_TARGET.version_table

    def test_each_target_ignores_the_other_targets_tables(self) -> None:
        assert tables_of_other_targets(SQL_TARGET) == {"documents", "alembic_version_vector"}
        assert tables_of_other_targets(VECTOR_TARGET) == {*sql_metadata().tables, "alembic_version"}
        assert "users" in sql_metadata().tables

    def test_an_unknown_ini_section_names_the_known_ones(self) -> None:
        with pytest.raises(HeavyError, match=r"no migration target 'alembic'.*use sql or vector"):
            target_named("alembic")


class TestRenderItem:
    @pytest.fixture
    def autogen_context(self) -> AutogenContext:
        engine = create_mock_engine("postgresql://", executor=lambda *_: None)
        return AutogenContext(MigrationContext.configure(dialect=engine.dialect))

    def test_sqlmodel_strings_are_written_as_plain_varchar(self, autogen_context: AutogenContext) -> None:
        assert render_item("type", AutoString(length=100), autogen_context) == "sa.String(length=100)"
        assert render_item("type", AutoString(), autogen_context) == "sa.String()"

    def test_vectors_import_pgvector(self, autogen_context: AutogenContext) -> None:
        assert render_item("type", Vector(256), autogen_context) == "pgvector.sqlalchemy.Vector(256)"
        assert "import pgvector.sqlalchemy" in autogen_context.imports

    def test_everything_else_is_left_to_alembic(self, autogen_context: AutogenContext) -> None:
        assert render_item("type", Integer(), autogen_context) is False
        assert render_item("column", Column("x", Integer), autogen_context) is False


class TestDescribeDifference:
    metadata = MetaData()
    notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("body", String(10)))

    @pytest.mark.parametrize(
        ("difference", "described"),
        [
            (("add_table", notes), "add table notes"),
            (("remove_table", notes), "drop table notes"),
            (("add_column", None, "users", Column("nickname", String)), "add column users.nickname"),
            (("remove_column", None, "users", Column("nickname", String)), "drop column users.nickname"),
            (("add_index", Index("ix_notes_body", notes.c.body)), "add index ix_notes_body on notes"),
            (
                [("modify_type", None, "notes", "body", {}, String(10), String(20))],
                "change type of notes.body",
            ),
        ],
    )
    def test_says_what_changed_in_a_few_words(self, difference: object, described: str) -> None:
        assert describe_difference(difference) == described
