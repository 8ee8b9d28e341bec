"""`flask bookings tick`: ends offers that ran out and offers free places."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.models import BookingStatus

from ..support.busy_database import course_locked_elsewhere, impatient_app

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def busy_app(make_app, app, db):
    with impatient_app(make_app, db, now=NOW) as busy:
        yield busy


def test_the_tick_says_the_database_was_busy_and_exits_non_zero(busy_app, db, make):
    course = make.course()
    ran_out = make.booking(
        course, status=BookingStatus.OFFERED, offer_expires_at=NOW - timedelta(hours=1)
    )

    # The command runs in the busy app (a command joins an app context already pushed).
    with course_locked_elsewhere(db, course.id), busy_app.app_context():
        result = busy_app.test_cli_runner().invoke(args=["bookings", "tick"])

    assert result.exit_code == 1, result.output
    assert "The database was busy" in result.output
    db.session.expire_all()
    assert ran_out.status == BookingStatus.OFFERED  # left for the next run
