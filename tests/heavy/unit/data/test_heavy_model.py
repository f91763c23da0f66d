from __future__ import annotations

import pytest
from sqlmodel import Field

from heavy.data.heavy_model import HeavyModel
from heavy.data.metadata import sql_metadata, vector_metadata


class TestHeavyModelMetaclass:
    def test_a_table_with_a_tablename_is_accepted(self) -> None:
        class SQLGadget(HeavyModel, table=True):
            __tablename__ = "test_gadgets"
            id: int | None = Field(default=None, primary_key=True)

        assert "test_gadgets" in sql_metadata().tables
        sql_metadata().remove(sql_metadata().tables["test_gadgets"])

    def test_forgetting_table_true_is_a_type_error(self) -> None:
        with pytest.raises(
            TypeError, match=r"SQLWidget derives from HeavyModel but is not a table.*table=True"
        ):

            class SQLWidget(HeavyModel):
                __tablename__ = "widgets"
                id: int | None = Field(default=None, primary_key=True)

    def test_the_capitalised_table_typo_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"SQLWidget: write table=True \(lower case\), not Table=True"):

            class SQLWidget(HeavyModel, Table=True):
                __tablename__ = "widgets"
                id: int | None = Field(default=None, primary_key=True)

    def test_a_table_without_a_tablename_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"SQLWidget has no __tablename__"):

            class SQLWidget(HeavyModel, table=True):
                id: int | None = Field(default=None, primary_key=True)

    def test_sql_and_vector_tables_live_in_separate_metadata(self) -> None:
        assert "users" in sql_metadata().tables
        assert "documents" not in sql_metadata().tables
        assert set(vector_metadata().tables) == {"documents"}
