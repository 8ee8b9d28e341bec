"""A course's own agency cap (issue 17): coordinators set it on the course form."""

from __future__ import annotations

from sqlalchemy import select

from booking.models import Course


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_coordinator_sets_a_courses_agency_cap_and_the_course_page_shows_it(
    coordinator_client, make, db, course_form
):
    venue = make.venue("Carlisle")

    bad = coordinator_client.post(
        "/coordinator/courses/new", data=course_form(venue.id, agency_cap="0")
    )
    assert "The most places one agency can hold must be 1 or more" in text(bad)
    good = coordinator_client.post(
        "/coordinator/courses/new", data=course_form(venue.id, agency_cap="3")
    )

    page = text(coordinator_client.get(good.headers["Location"]))
    assert "Most places one partner agency can hold" in page
    course = db.session.scalars(select(Course)).one()
    assert course.agency_cap == 3


def test_a_course_with_no_cap_of_its_own_shows_the_usual_limit(coordinator_client, make):
    course = make.course()

    page = text(coordinator_client.get(f"/coordinator/courses/{course.id}"))

    assert "2 (the usual limit)" in page
