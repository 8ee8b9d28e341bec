"""The retention clock: people are anonymised a set number of years after their last course,
whether or not they attended, and never while they hold (or wait for) a place on a course
that has not ended yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking.models import Booking, BookingStatus, Course, Group, Person
from booking.services import privacy

SETTINGS = {
    "support_needs_days": 30,
    "staff_years": 6,
    "partner_years": 6,
    "message_text_days": 30,
}


def _purge(now, **overrides):
    return privacy.purge(now=now, **{**SETTINGS, **overrides})


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _years_after(day: date, years: int, days: int = 0) -> datetime:
    return _noon(day.replace(year=day.year + years) + timedelta(days=days))


def _is_anonymised(db, person) -> bool:
    db.session.expire_all()
    return db.session.get(Person, person.id).anonymised_at is not None


@pytest.fixture
def attended(make):
    """A course that ran on 2 and 3 March 2019, with one staff and one partner attendee whose
    bookings stayed confirmed, as every attended booking does."""
    course = make.course(date(2019, 3, 2))
    long_ago = datetime(2019, 1, 2, tzinfo=UTC)
    staff = make.person(Group.STAFF, created_at=long_ago)
    partner = make.person(Group.PARTNER, created_at=long_ago)
    for person in (staff, partner):
        make.booking(course, person, status=BookingStatus.CONFIRMED, requested_at=long_ago)
    return course, staff, partner


def test_attendees_are_anonymised_once_their_last_course_is_long_past(db, attended):
    course, staff, partner = attended
    last_day = course.days[-1].date
    too_soon = _purge(_years_after(last_day, 6, days=-1), staff_years=6, partner_years=8)
    assert (too_soon.staff_anonymised, too_soon.partner_anonymised) == (0, 0)
    staff_due = _purge(_years_after(last_day, 6, days=1), staff_years=6, partner_years=8)
    assert (staff_due.staff_anonymised, staff_due.partner_anonymised) == (1, 0)
    assert _is_anonymised(db, staff) and not _is_anonymised(db, partner)
    partner_due = _purge(_years_after(last_day, 8, days=1), staff_years=6, partner_years=8)
    assert (partner_due.staff_anonymised, partner_due.partner_anonymised) == (0, 1)
    assert _is_anonymised(db, partner)
    kept = db.session.scalars(select(Booking.status).where(Booking.course_id == course.id))
    assert set(kept) == {BookingStatus.CONFIRMED}


def test_someone_waiting_on_a_course_that_ended_is_anonymised_too(make, db, attended):
    course, *_ = attended
    long_ago = datetime(2019, 1, 2, tzinfo=UTC)
    waited = make.person(Group.PARTNER, created_at=long_ago)
    make.booking(course, waited, status=BookingStatus.WAITLISTED, requested_at=long_ago)
    _purge(_years_after(course.days[-1].date, 6, days=1))
    assert _is_anonymised(db, waited)


@pytest.mark.parametrize("group", [Group.STAFF, Group.PARTNER])
@pytest.mark.parametrize("status", [BookingStatus.CONFIRMED, BookingStatus.WAITLISTED])
def test_a_live_booking_on_a_course_not_yet_ended_always_keeps_the_person(make, db, group, status):
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    long_ago = datetime(2010, 1, 1, tzinfo=UTC)
    person = make.person(group, created_at=long_ago)
    # Day 1 was yesterday and day 2 is a week on: the course has started but not ended.
    running = make.course(date(2026, 1, 4), date(2026, 1, 11))
    make.booking(running, person, status=status, requested_at=long_ago)
    summary = _purge(now, staff_years=0, partner_years=0)
    assert (summary.staff_anonymised, summary.partner_anonymised) == (0, 0)
    assert not _is_anonymised(db, person)


def test_a_person_who_attended_a_finished_course_can_be_erased(make, db, attended, clock):
    _, staff, _ = attended
    privacy.erase_person(staff, actor="test", now=clock.now, reason="They asked us to")
    assert _is_anonymised(db, staff)


def _demo_past_courses(db, clock) -> list[Course]:
    """The demo's courses that have already run, the most recent last."""
    courses = db.session.scalars(select(Course)).all()
    past = [c for c in courses if c.days[-1].date < clock.now.date()]
    return sorted(past, key=lambda c: c.days[-1].date)


def _demo_people(db, group: Group, *, anonymised: bool) -> int:
    done = Person.anonymised_at.is_not(None) if anonymised else Person.anonymised_at.is_(None)
    return db.session.scalar(select(func.count(Person.id)).where(Person.group == group, done))


def test_the_purge_command_anonymises_the_demo_attendees_years_later(
    runner, clock, db, app, monkeypatch
):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    finished = _demo_past_courses(db, clock)[-1]
    staff, partners = (_demo_people(db, g, anonymised=False) for g in (Group.STAFF, Group.PARTNER))
    assert staff > 50 and partners > 5

    # Seven years after the last finished course every demo course is over six years past; with
    # partners kept for ten years only council staff go.
    monkeypatch.setitem(app.config, "PARTNER_RETENTION_YEARS", 10)
    clock.set(_years_after(finished.days[-1].date, 7))
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert f"Council staff anonymised: {staff}." in result.output
    assert "Partner agency workers anonymised: 0." in result.output
    assert _demo_people(db, Group.STAFF, anonymised=False) == 0
    assert _demo_people(db, Group.PARTNER, anonymised=False) == partners

    clock.set(_years_after(finished.days[-1].date, 11))
    result = runner.invoke(args=["privacy", "purge"])
    assert f"Partner agency workers anonymised: {partners}." in result.output
    assert _demo_people(db, Group.PARTNER, anonymised=False) == 0


def test_the_purge_command_keeps_everyone_booked_on_a_course_still_to_come(runner, clock, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    past = _demo_past_courses(db, clock)
    finished_attendees = set(
        db.session.scalars(
            select(Booking.person_id).where(Booking.course_id.in_([c.id for c in past]))
        )
    )
    # Over six years after the finished courses (and after the demo's bookings were made),
    # but with everyone else's course still to come, as if they had booked a long way ahead.
    clock.set(_years_after(past[-1].days[-1].date, 6, days=60))
    upcoming = db.session.scalars(
        select(Course).where(Course.id.not_in([c.id for c in past]))
    ).all()
    for course in upcoming:
        for day in course.days:
            day.date += timedelta(weeks=52 * 7)
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    anonymised = set(db.session.scalars(select(Person.id).where(Person.anonymised_at.is_not(None))))
    # Some who finished the introductory course are booked on the advanced course to come.
    booked_ahead = set(
        db.session.scalars(
            select(Booking.person_id).where(Booking.course_id.in_([c.id for c in upcoming]))
        )
    )
    assert finished_attendees & booked_ahead
    assert anonymised == finished_attendees - booked_ahead
