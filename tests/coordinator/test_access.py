"""Everything in the coordinators' area needs a signed-in coordinator; signing in and out."""

from __future__ import annotations

import pytest

from booking.models import CourseStatus

COORDINATOR_PAGES = [
    ("GET", "/coordinator"),
    ("GET", "/coordinator/courses"),
    ("GET", "/coordinator/courses?show=past"),
    ("GET", "/coordinator/courses/new"),
    ("POST", "/coordinator/courses/new"),
    ("GET", "/coordinator/courses/{course}"),
    ("GET", "/coordinator/courses/{course}/edit"),
    ("POST", "/coordinator/courses/{course}/edit"),
    ("POST", "/coordinator/courses/{course}/publish"),
    ("POST", "/coordinator/courses/{course}/release"),
    ("GET", "/coordinator/courses/{course}/duplicate"),
    ("POST", "/coordinator/courses/{course}/duplicate"),
    ("GET", "/coordinator/courses/{course}/cancel"),
    ("POST", "/coordinator/courses/{course}/cancel"),
    ("GET", "/coordinator/venues"),
    ("GET", "/coordinator/venues/new"),
    ("POST", "/coordinator/venues/new"),
    ("GET", "/coordinator/venues/{venue}/edit"),
    ("POST", "/coordinator/venues/{venue}/edit"),
    ("POST", "/coordinator/venues/{venue}/archive"),
    ("POST", "/coordinator/venues/{venue}/restore"),
]


@pytest.mark.parametrize(("method", "path"), COORDINATOR_PAGES)
def test_anyone_not_signed_in_is_sent_to_sign_in_and_nothing_changes(
    client, clock, make, method, path
):
    course = make.course(status=CourseStatus.DRAFT)
    url = path.format(course=course.id, venue=course.venue_id)
    response = client.open(url, method=method, data={"reason": "x", "weeks_later": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/sign-in?next=")
    assert course.status == CourseStatus.DRAFT


@pytest.mark.parametrize(("method", "path"), COORDINATOR_PAGES)
def test_a_signed_in_coordinator_gets_each_page_without_an_error(
    coordinator_client, make, method, path
):
    course = make.course(status=CourseStatus.DRAFT)
    url = path.format(course=course.id, venue=course.venue_id)
    response = coordinator_client.open(url, method=method, data={})
    assert response.status_code in (200, 302)


def test_signing_out_is_a_button_not_a_link(coordinator_client):
    assert coordinator_client.get("/coordinator/sign-out").status_code == 405
    response = coordinator_client.post("/coordinator/sign-out")
    assert response.status_code == 302
    assert coordinator_client.get("/coordinator/courses").status_code == 302
