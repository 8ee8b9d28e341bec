"""Count the SQL statements something sends: for tests that a page or pass costs a fixed
number of queries whatever the amount of data."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from booking.extensions import db


@contextmanager
def counting_queries(*, selects_only: bool = False):
    """Yield the list of statements sent inside the block (only SELECTs if asked)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not selects_only or statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
