"""Journey 1: a council staff member finds a course, books, confirms their address from the
email and sees they have a place. With and without JavaScript, and by keyboard alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from .journeys import JS_IDS, JS_MODES, Journey, email_to, link_in

NOW = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
DAY_ONE = date(2026, 3, 9)
EMAIL = "alex.morgan@cumberland.gov.uk"


@pytest.fixture
def course(live_app, make):
    live_app.config["CLOCK_OVERRIDE"] = NOW
    return make.course(DAY_ONE, venue_obj=make.venue("Carlisle"))


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_staff_member_books_confirms_by_email_and_has_a_place(
    live_server, live_app, new_page, axe, screenshot, smtp, course, javascript
):
    page = new_page(javascript=javascript)
    journey = Journey(page, axe, screenshot, "booking", javascript=javascript)

    page.goto(f"{live_server}/courses")
    journey.look("1-calendar")
    page.get_by_role("link", name="Details and booking").first.click()
    assert "Carlisle" in journey.heading()
    journey.look("2-course")

    page.get_by_role("button", name="Book a place").click()
    assert journey.heading() == "Book a place"
    journey.look("3-form")

    page.get_by_label("Full name").fill("Alex Morgan")
    page.get_by_label("Work email address").fill(EMAIL)
    page.get_by_label("Job title").fill("Social Worker")
    page.get_by_label("Team or service").fill("Carlisle Children's Team")
    page.get_by_label("I agree to my details being used").check()
    page.get_by_role("button", name="Send me a link to confirm").click()
    assert "email" in journey.heading().lower()
    journey.look("4-check-your-email")

    received = email_to(smtp, live_app, EMAIL, "confirm")
    confirm_url = link_in(received, live_server, "/confirm/")
    page.goto(confirm_url)
    assert journey.heading() == "Confirm your booking"
    journey.look("5-confirm")
    page.get_by_role("button", name="Confirm my booking").click()

    assert journey.heading() == "You have a place"
    journey.look("6-you-have-a-place")
