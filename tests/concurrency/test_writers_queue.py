"""SQLite's writers' queue (services/db.py): writers take turns on a file lock beside the
database. A writer must not hold a pooled connection while it waits for its turn: with more
writers than connections, the writer at the front could then wait for a connection held by
one behind it, and every booking would stall until the pool gave up."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from datetime import UTC, datetime

import pytest

from booking.models import Course, Group, Person
from booking.services.requests import book_place

from .conftest import on_postgres

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.skipif(on_postgres(), reason="SQLite's writers' queue only")
def test_a_writer_waiting_for_its_turn_holds_no_connection(db, make, make_app):
    course_id, person_id = make.course().id, make.person(Group.STAFF).id
    db.session.commit()
    app = make_app(
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 60}
    )
    have_read = threading.Event()
    booked: list[int] = []

    def book() -> None:
        with app.app_context():
            course = db.session.get(Course, course_id)  # reads first, as a page does
            person = db.session.get(Person, person_id)
            have_read.set()
            booked.append(book_place(course, person, actor="test", now=NOW).id)
            db.session.remove()

    queue = os.open(f"{db.engine.url.database}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(queue, fcntl.LOCK_EX)  # the test is writing: the booking must wait its turn
    thread = threading.Thread(target=book, daemon=True)
    try:
        thread.start()
        assert have_read.wait(60)
        with app.app_context():
            pool = db.engine.pool
        for _ in range(600):  # until the booking is queued (it gives its connection back)
            if pool.checkedout() == 0:
                break
            time.sleep(0.05)
        assert pool.checkedout() == 0, "the queued writer kept its connection"
    finally:
        fcntl.flock(queue, fcntl.LOCK_UN)
        os.close(queue)
        thread.join(60)
        with app.app_context():
            db.engine.dispose()
    assert len(booked) == 1
