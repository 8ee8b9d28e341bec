"""The booking rush for a one-day course type that partner agencies may not book: every
place goes to council staff, never one more, and every partner is refused (not waitlisted),
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from booking.extensions import db
from booking.models import Booking, BookingStatus, CourseType, Group
from booking.services import allocation
from booking.services.allocation import NotForPartners

from ..support.parallel import run_at_once
from .test_booking_rush import NOW, _book, _people, _statuses


def _one_day_staff_only_course(make):
    staff_only = CourseType(
        name="Practice leads' day",
        slug="practice-leads",
        days_count=1,
        partners_may_book=False,
        default_partner_places=0,
    )
    db.session.add(staff_only)
    db.session.commit()
    # The course was set up with places for partners; a staff-only type keeps none.
    course = make.course(total_places=20, partner_places=4, type_obj=staff_only)
    course.days = course.days[:1]
    db.session.commit()
    return course


def test_a_rush_on_a_one_day_staff_only_course_gives_every_place_to_staff(db, make, worker_app):
    course = _one_day_staff_only_course(make)
    person_ids = _people(make, staff=120, partners=40)
    app = worker_app()

    outcome = run_at_once(app, [_book(course.id, pid) for pid in person_ids])

    assert len(outcome.errors) == 40
    assert all(isinstance(error, NotForPartners) for error in outcome.errors), outcome.errors
    counts = _statuses(course.id)
    assert counts == Counter(
        {(Group.STAFF, BookingStatus.CONFIRMED): 20, (Group.STAFF, BookingStatus.WAITLISTED): 100}
    )
    per_person = Counter(
        db.session.scalars(select(Booking.person_id).where(Booking.course_id == course.id))
    )
    assert len(per_person) == 120 and set(per_person.values()) == {1}
    places = allocation.availability(course, NOW)
    assert (places.held, places.staff_left, places.partner_left) == (20, 0, 0)
