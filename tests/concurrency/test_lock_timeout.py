"""PostgreSQL: a booking waits a bounded time for its course's lock (issue 16): `lock_timeout`
at a time, a few times over. If another transaction holds the course for longer, the person
is asked to try again (`TryAgain`, the plain "please try again" page) instead of queueing
behind a stuck transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from booking.addresses import link_path
from booking.models import Booking, Group, LinkPurpose
from booking.services.db import lock_settings
from booking.services.errors import TryAgain
from booking.services.requests import book_place, request_place

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.postgres_only


def test_a_booking_gives_up_on_a_course_locked_too_long(db, make, monkeypatch):
    course, person = make.course(), make.person(Group.STAFF)
    db.session.commit()
    monkeypatch.setattr(lock_settings, "timeout_seconds", 0.3)
    with db.engine.connect() as stuck:
        stuck.execute(text("SELECT id FROM courses WHERE id = :id FOR UPDATE"), {"id": course.id})
        with pytest.raises(TryAgain):
            book_place(course, person, actor="test", now=NOW)
        stuck.rollback()
    assert db.session.scalar(select(func.count(Booking.id))) == 0

    # Once the lock is let go, the same booking goes through.
    assert book_place(course, person, actor="test", now=NOW).status.value == "confirmed"


def test_the_person_sees_the_try_again_page(db, make, client, clock, monkeypatch):
    course = make.course()
    db.session.commit()
    _, token = request_place(course, {"email": "sam@cumbria.gov.uk", "full_name": "Sam"}, now=NOW)
    monkeypatch.setattr(lock_settings, "timeout_seconds", 0.3)
    with db.engine.connect() as stuck:
        stuck.execute(text("SELECT id FROM courses WHERE id = :id FOR UPDATE"), {"id": course.id})
        response = client.post(link_path(LinkPurpose.CONFIRM_BOOKING, token))
        stuck.rollback()
    assert response.status_code == 503
    assert "try again" in response.get_data(as_text=True).lower()
