"""``get_filled_in_query``: a statement as runnable SQL text with its parameters filled in.

For debugging only (paste it into psql, read it in a log); never execute the result, since
literal rendering is not an escaping mechanism.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ClauseElement


def get_filled_in_query(statement: ClauseElement) -> str:
    compiled = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})  # type: ignore[no-untyped-call]
    return str(compiled)
