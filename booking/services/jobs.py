"""Recording when the scheduled commands last ran (the coordinators' status page reads it).

Each command calls `record_run` once at its end. Two servers may run the same command at
the same moment, so the row is written with one upsert, never read-then-write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import JobRun
from .db import is_postgres, transactional

TICK = "bookings tick"
PURGE = "privacy purge"
REMINDERS = "outbox reminders"
MAILBOX_POLL = "mailbox poll"

#: Every command that records its runs, in the order the status page lists them.
SCHEDULED = (TICK, REMINDERS, MAILBOX_POLL, PURGE)


@transactional
def record_run(name: str, *, now: datetime, succeeded: bool = True) -> None:
    """Note that `name` finished now, with or without an error."""
    column = "last_succeeded_at" if succeeded else "last_failed_at"
    insert = postgresql_insert if is_postgres() else sqlite_insert
    statement = insert(JobRun).values(name=name, **{column: now})
    db.session.execute(
        statement.on_conflict_do_update(index_elements=[JobRun.name], set_={column: now})
    )


def last_runs() -> dict[str, JobRun]:
    """Every recorded command by name (commands that never ran are missing)."""
    return {run.name: run for run in db.session.scalars(select(JobRun))}
