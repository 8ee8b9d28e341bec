"""Approvals arriving at the same moment never overbook: each runs the allocation rules
under the course lock (issue 17), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from booking.extensions import db
from booking.models import Booking, BookingStatus
from booking.services import approvals, requests

from ..support.parallel import run_at_once

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _approve(booking_id: int):
    def call():
        return _by_coordinator(db.session.get(Booking, booking_id))

    return call


def _by_coordinator(booking):
    from booking.models import User

    coordinator = db.session.scalar(select(User))
    return approvals.approve_for_manager(
        booking, actor=coordinator, reason="Approved at the team meeting", now=NOW
    ).status


def test_thirty_approvals_at_once_fill_five_places_and_the_rest_wait(db, make, worker_app):
    course = make.course(total_places=5, partner_places=0)
    course.course_type.manager_approval_required = True
    db.session.commit()
    make.coordinator()
    waiting = [
        requests.book_or_ask_manager(
            course, make.person(line_manager_email="boss@cumberland.gov.uk"), actor="test", now=NOW
        ).id
        for _ in range(30)
    ]
    app = worker_app()

    outcome = run_at_once(app, [_approve(booking_id) for booking_id in waiting])

    assert outcome.errors == []
    assert Counter(outcome.results) == {BookingStatus.CONFIRMED: 5, BookingStatus.WAITLISTED: 25}
    db.session.expire_all()
    statuses = Counter(
        db.session.scalars(select(Booking.status).where(Booking.course_id == course.id))
    )
    assert statuses == {BookingStatus.CONFIRMED: 5, BookingStatus.WAITLISTED: 25}
