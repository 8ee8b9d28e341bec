"""The coordinators' menu is on every page of the coordinators' area, including the pages
reached from a course (people on it, one person's booking, the sign-in sheet)."""

from __future__ import annotations

import pytest

from booking.models import Group

MENU = 'aria-label="Coordinators\' area"'

PAGES = [
    "/coordinator",
    "/coordinator/courses/{course}",
    "/coordinator/courses/{course}/bookings",
    "/coordinator/bookings/{booking}",
    "/coordinator/registers/days/{day}",
    "/coordinator/registers/days/{day}/sign-in-sheet",
    "/coordinator/reports/people/{person}",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_coordinator_page_has_the_coordinators_menu(coordinator_client, make, path):
    course = make.course()
    booking = make.booking(course, make.person(Group.STAFF))
    url = path.format(
        course=course.id, booking=booking.id, day=course.days[0].id, person=booking.person_id
    )
    response = coordinator_client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count(MENU) == 1
    assert 'href="/coordinator/courses">Courses</a>' in page
