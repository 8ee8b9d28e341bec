"""`flask seed-demo`: a believable programme, relative to today, that keeps the rules."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from booking.cli.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from booking.models import (
    HOLDING,
    AttendanceMark,
    AuditEvent,
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    Mark,
    OutboxMessage,
    Person,
    Role,
    TrainingCompletion,
    User,
    Venue,
)
from booking.services.accounts import authenticate
from booking.services.allocation import availability_for
from booking.services.courses import calendar_courses
from booking.services.waitlist import fill_is_due


def test_the_demo_is_a_programme_at_six_cumbrian_towns(runner, clock, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    towns = set(db.session.scalars(select(Venue.town)))
    assert towns == {
        "Carlisle",
        "Workington",
        "Whitehaven",
        "Penrith",
        "Kendal",
        "Barrow-in-Furness",
    }
    statuses = db.session.scalars(select(Course.status)).all()
    assert statuses.count(CourseStatus.DRAFT) == 2
    assert statuses.count(CourseStatus.PUBLISHED) >= 10
    assert len(_past_courses(db, clock)) == 3
    assert 150 <= db.session.scalar(select(func.count(Person.id))) <= 200


def _courses(db) -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.id)))


def _past_courses(db, clock) -> list[Course]:
    return [c for c in _courses(db) if c.last_day.date < clock().date()]


def test_the_demo_bookings_keep_the_booking_rules(runner, clock, db):
    """Made through the booking service: no course over its places, the places kept for
    each group respected before the release date (rule 1), one place per person per
    training (rule 6), and nobody left waiting while a place they may take is free (rule 5)."""
    runner.invoke(args=["seed-demo"])
    courses = _courses(db)
    figures = availability_for(courses, clock())
    every_booking = db.session.scalars(select(Booking)).all()
    assert len(every_booking) > 150
    for course in courses:
        places = figures[course.id]
        assert places.held <= course.total_places and places.over_capacity == 0
        if not places.released:
            assert places.staff_held <= course.total_places - course.partner_places
            assert places.partner_held <= course.partner_places
        assert not fill_is_due(course, now=clock())
    holding = Counter((b.person_id, b.course_type_id) for b in every_booking if b.status in HOLDING)
    assert set(holding.values()) == {1}
    assert any(b.status == BookingStatus.WAITLISTED for b in every_booking)
    # Each booking was decided by the booking service, which records what it decided.
    decided = set(
        db.session.scalars(
            select(AuditEvent.object_id).where(
                AuditEvent.action.in_(("booking.confirmed", "booking.waitlisted"))
            )
        )
    )
    assert decided == {b.id for b in every_booking}
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # no mail to made-up people


def test_the_past_courses_have_registers_and_completions_from_the_marks(runner, clock, db):
    runner.invoke(args=["seed-demo"])
    for course in _past_courses(db, clock):
        holders = db.session.scalars(
            select(Booking).where(
                Booking.course_id == course.id, Booking.status == BookingStatus.CONFIRMED
            )
        ).all()
        assert holders
        for booking in holders:
            marks = db.session.scalars(
                select(AttendanceMark).where(AttendanceMark.booking_id == booking.id)
            ).all()
            assert len(marks) == 2  # both days' registers were taken
            completed = db.session.scalar(
                select(TrainingCompletion).where(TrainingCompletion.booking_id == booking.id)
            )
            assert (completed is not None) == all(m.counts for m in marks)
            if completed is not None:
                assert completed.completed_on == course.last_day.date
        day1 = course.days[0].id
        no_shows = db.session.scalar(
            select(func.count(AttendanceMark.id)).where(
                AttendanceMark.course_day_id == day1, AttendanceMark.mark == Mark.ABSENT
            )
        )
        assert no_shows == 1


def test_the_demo_has_nearly_full_and_full_courses(runner, clock, db):
    runner.invoke(args=["seed-demo"])
    upcoming = calendar_courses(clock())
    places = availability_for(upcoming, clock())
    states = [places[c.id].state for c in upcoming]
    assert "full" in states and "open" in states
    assert any(0 < places[c.id].free <= 4 for c in upcoming)


def test_the_demo_coordinator_can_sign_in_and_is_printed(runner, clock, db):
    result = runner.invoke(args=["seed-demo"])
    assert DEMO_COORDINATOR_EMAIL in result.output and DEMO_COORDINATOR_PASSWORD in result.output
    user = authenticate(DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD)
    assert user is not None
    # Its authenticator app is set up, and the output says how to get a code (issue 15).
    assert user.totp_confirmed_at is not None and "flask demo code" in result.output


def test_if_empty_leaves_an_existing_programme_alone(runner, clock, db, make):
    make.course()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "no demo data was loaded" in result.output
    assert db.session.scalar(select(func.count(Course.id))) == 1
    assert db.session.scalar(select(User.id)) is None


def test_the_demo_is_relative_to_today(runner, clock, db):
    clock.set(datetime(2027, 6, 14, 9, 0, tzinfo=UTC))
    runner.invoke(args=["seed-demo"])
    upcoming = calendar_courses(clock())
    assert upcoming and all(c.first_day.date.year >= 2027 for c in upcoming)
    assert client_sees_demo(runner)


def client_sees_demo(runner) -> bool:
    client = runner.app.test_client()
    return "Barrow-in-Furness" in client.get("/courses").get_data(as_text=True)


def test_the_demo_is_never_loaded_in_production(make_app, clock):
    app = make_app(ENV_NAME="production", SECRET_KEY=secrets.token_urlsafe(48))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "never loaded in production" in result.output


def test_the_demo_has_trainers_accounts_assigned_to_its_courses_and_says_how_to_sign_in(
    runner, clock, db
):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    trainers = db.session.scalars(select(User).where(User.role == Role.TRAINER)).all()
    assert sorted(t.full_name for t in trainers) == ["Anne Tyson", "Helen Armstrong", "Ruth Steel"]
    for trainer in trainers:
        assert trainer.email in result.output
        assert authenticate(trainer.email, DEMO_COORDINATOR_PASSWORD) == trainer
        assert trainer.totp_secret  # signs in with a code, like coordinators
    courses = _courses(db)
    assert all(len(c.trainer_accounts) == 1 for c in courses)
    assert {t.id for c in courses for t in c.trainer_accounts} == {t.id for t in trainers}
    assert "flask demo code EMAIL" in result.output


def test_the_demo_puts_courses_in_rooms_and_shows_one_clash(runner, clock, db):
    runner.invoke(args=["seed-demo"])
    from booking.models import Room
    from booking.services.clashes import clashes_for_course

    assert {r.venue.town for r in db.session.scalars(select(Room))} == {
        "Carlisle",
        "Workington",
        "Whitehaven",
        "Penrith",
        "Kendal",
        "Barrow-in-Furness",
    }
    courses = _courses(db)
    assert all(c.room is not None and c.total_places <= c.room.capacity for c in courses)
    clashing = [c for c in courses if clashes_for_course(c)]
    assert [c.status for c in clashing] == [CourseStatus.DRAFT, CourseStatus.DRAFT]
    assert clashing[0].room_id == clashing[1].room_id
