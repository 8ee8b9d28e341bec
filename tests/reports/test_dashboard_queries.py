"""The dashboard reads a fixed number of queries whatever the number of courses."""

from datetime import date, timedelta

from flask import g

from booking.models import BookingStatus

from ..support.queries import counting_queries


def make_programme(make, courses: int):
    venue = make.venue()
    for n in range(courses):
        course = make.course(date(2026, 2, 2) + timedelta(weeks=n), venue_obj=venue)
        make.booking(course)
        make.booking(course, make.person(group="partner"))
        make.booking(course, status=BookingStatus.WAITLISTED)
        make.booking(course, status=BookingStatus.OFFERED)


def dashboard_queries(client, db):
    # Start with nothing cached, as a real request would: the test client shares this
    # app context (and so the session and Flask-Login's cached user) with the test.
    g.pop("_login_user", None)
    db.session.remove()
    with counting_queries(selects_only=True) as statements:
        response = client.get("/coordinator")
    assert response.status_code == 200
    return len(statements), response


def test_dashboard_queries_do_not_grow_with_the_number_of_courses(
    db, make, clock, sign_in_coordinator
):
    client = sign_in_coordinator(make.coordinator())
    make_programme(make, 3)
    few, response = dashboard_queries(client, db)
    assert response.get_data(as_text=True).count("Day 1<span") == 3
    make_programme(make, 27)
    many, response = dashboard_queries(client, db)
    assert response.get_data(as_text=True).count("Day 1<span") == 30
    assert few == many
    assert many <= 8
