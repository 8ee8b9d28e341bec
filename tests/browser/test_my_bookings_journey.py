"""Journey 4: an attendee signs in with an emailed link and cancels from "My bookings"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.models import BookingStatus

from .journeys import JS_IDS, JS_MODES, Journey, email_to, link_in

NOW = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
EMAIL = "jo.bell@westmorlandandfurness.gov.uk"


@pytest.fixture
def booking(live_app, make):
    live_app.config["CLOCK_OVERRIDE"] = NOW
    course = make.course(date(2026, 3, 16), venue_obj=make.venue("Barrow"))
    return make.booking(course, make.person(email=EMAIL, full_name="Jo Bell"))


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_attendee_signs_in_by_emailed_link_and_cancels_from_my_bookings(
    live_server, live_app, new_page, axe, screenshot, smtp, booking, db, javascript
):
    page = new_page(javascript=javascript)
    journey = Journey(page, axe, screenshot, "my-bookings", javascript=javascript)

    page.goto(f"{live_server}/sign-in")
    journey.look("1-sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send").click()
    journey.look("2-check-your-email")

    page.goto(link_in(email_to(smtp, live_app, EMAIL, "sign in"), live_server, "/sign-in/"))
    journey.look("3-use-link")
    page.get_by_role("button", name="Sign in").click()

    assert journey.heading() == "My bookings"
    assert "You have a place" in page.locator("main").inner_text()
    journey.look("4-my-bookings")
    page.get_by_role("link", name="Cancel or change the date").click()

    assert journey.heading() == "You have a place"
    journey.look("5-booking")
    page.get_by_role("link", name="Cancel my booking").click()

    assert journey.heading() == "Are you sure you want to cancel your booking?"
    journey.look("6-are-you-sure")
    page.get_by_role("button", name="Yes, cancel my booking").click()

    assert journey.heading() == "This booking is cancelled"
    journey.look("7-cancelled")
    db.session.expire_all()
    assert booking.status == BookingStatus.CANCELLED
    email_to(smtp, live_app, EMAIL, "Your booking is cancelled")
