"""Check that a rule written once as a hybrid gives the same answer in Python and in SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select

from booking.extensions import db


def same_in_python_and_sql(model, rows: Iterable, condition, python: Callable) -> set[int]:
    """The ids of `rows` for which the rule holds, asserting both forms agree on every row.

    `condition` is the rule as a SQL expression (`Course.is_open_for_booking(now)`);
    `python` asks the same of one loaded row (`lambda c: c.is_open_for_booking(now)`). The
    rule must hold for some rows and not others, so both sides of it are checked.
    """
    rows = list(rows)
    ids = {row.id for row in rows}
    in_sql = set(db.session.scalars(select(model.id).where(model.id.in_(ids), condition)))
    in_python = {row.id for row in rows if python(row)}
    assert in_sql == in_python, f"SQL says {sorted(in_sql)}, Python says {sorted(in_python)}"
    assert in_python and in_python != ids, "the rows do not cover both sides of the rule"
    return in_python
