"""The course-type pages pass axe: the list, the form (with its error summary), and the
first step of adding a course when there are several types."""

from __future__ import annotations

import pytest

from booking.extensions import db
from booking.models import CourseType

from .journeys import Journey
from .test_coordinator_journey import PLANNING, coordinator, sign_in  # noqa: F401 - fixture


@pytest.mark.browser
def test_course_type_pages_pass_axe(
    live_server,
    live_app,
    new_page,
    axe,
    screenshot,
    coordinator,  # noqa: F811 - the journey's signed-up coordinator fixture
    make,
):
    make.course_type()
    db.session.add(CourseType(name="Partner day", slug="partner-day", days_count=1))
    db.session.commit()
    page = new_page(javascript=False)
    journey = Journey(page, axe, screenshot, "course-types", javascript=False)
    sign_in(page, journey, live_server, PLANNING, look=False)

    page.goto(f"{live_server}/coordinator/course-types")
    journey.look("1-list")
    page.get_by_role("button", name="Add a course type").click()
    journey.look("2-form")
    page.get_by_role("button", name="Save course type").click()
    assert page.locator(".govuk-error-summary").is_visible()
    journey.look("3-errors")
    page.goto(f"{live_server}/coordinator/courses/new")
    journey.look("4-choose-a-type")
    page.get_by_label("Partner day").check()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="The day", exact=True).is_visible()
    journey.look("5-one-day-course-form")
