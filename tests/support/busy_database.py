"""A database that stays busy: another connection holds a lock, and an app that gives up on
it at once, so `@transactional` runs out of retries and raises TryAgain as under a rush.

PostgreSQL stops waiting for the row lock after a short `lock_timeout`; SQLite is told not
to wait for its write lock at all. No part is replaced: the lock and the refusal are real.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event, text

from booking.extensions import db as _db


def _sqlite_never_waits(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA busy_timeout=0")


@contextmanager
def impatient_app(make_app, db, *, now: datetime):
    """A second app on the test database that gives up at once on a lock someone else holds."""
    postgres = db.engine.dialect.name == "postgresql"
    options = {"connect_args": {"options": "-c lock_timeout=100"}} if postgres else {}
    db.session.commit()
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS=options)
    app.config["CLOCK_OVERRIDE"] = now
    if not postgres:
        with app.app_context():
            event.listen(_db.engine, "connect", _sqlite_never_waits)
            _db.engine.dispose()  # connections made while the app was built would wait
    try:
        yield app
    finally:
        with app.app_context():
            _db.engine.dispose()


@contextmanager
def course_locked_elsewhere(db, course_id: int):
    """Another connection writes to the course row and keeps its transaction open."""
    with db.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            text("UPDATE courses SET total_places = total_places WHERE id = :id"),
            {"id": course_id},
        )
        try:
            yield
        finally:
            transaction.rollback()
