"""`flask seed-demo`: a believable programme, relative to today."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from booking.cli.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from booking.models import Course, CourseStatus, User, Venue
from booking.services.accounts import authenticate
from booking.services.allocation import availability_for
from booking.services.courses import calendar_courses


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
    assert statuses.count(CourseStatus.DRAFT) == 1
    assert statuses.count(CourseStatus.PUBLISHED) >= 8
    over = db.session.scalars(select(Course.id).where(Course.is_over(clock()))).all()
    assert len(over) == 1


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
    assert authenticate(DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD) is not None


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
    app = make_app(ENV_NAME="production", SECRET_KEY="x" * 40)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "never loaded in production" in result.output
