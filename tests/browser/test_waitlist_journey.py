"""Journey 2: a partner-agency worker joins a full course's waitlist, someone cancels, and they
accept the place offered to them from the email."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.models import Group
from booking.services import links

from .journeys import JS_IDS, JS_MODES, Journey, email_to, link_in

NOW = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
EMAIL = "priya.shah@nhs.net"


@pytest.fixture
def full_course(live_app, make):
    """Both places on the course are taken; one of them by another partner-agency worker."""
    live_app.config["CLOCK_OVERRIDE"] = NOW
    course = make.course(
        date(2026, 3, 23), total_places=2, partner_places=1, venue_obj=make.venue("Penrith")
    )
    make.booking(course, make.person(Group.STAFF))
    leaving = make.booking(course, make.person(Group.PARTNER, email="chris.lee@nhs.net"))
    return course, links.manage_token(leaving, live_app.config["SECRET_KEY"])


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_partner_worker_joins_waitlist_and_accepts_the_place_that_frees(
    live_server, live_app, new_page, axe, screenshot, smtp, full_course, javascript
):
    course, leaving_token = full_course
    page = new_page(javascript=javascript)
    journey = Journey(page, axe, screenshot, "waitlist", javascript=javascript)

    page.goto(f"{live_server}/courses/{course.id}")
    assert "no places left" in page.locator("main").inner_text()
    journey.look("1-full-course")
    page.get_by_role("button", name="Join the waitlist").click()
    journey.look("2-form")
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Work email address").fill(EMAIL)
    page.get_by_label("Job title").fill("Health Visitor")
    page.get_by_label("Team or service").fill("0 to 19 Service")
    page.get_by_label("Organisation").fill("North Cumbria Integrated Care")
    page.get_by_label("I agree to my details being used").check()
    page.get_by_role("button", name="Send me a link to confirm").click()

    page.goto(link_in(email_to(smtp, live_app, EMAIL, "confirm"), live_server, "/confirm/"))
    page.get_by_role("button", name="Confirm my booking").click()
    assert journey.heading() == "You are number 1 on the waitlist"
    journey.look("3-on-the-waitlist")

    other = new_page(javascript=javascript)  # the other partner-agency worker cancels
    other.goto(f"{live_server}/b/{leaving_token}/cancel")
    other.get_by_role("button", name="Yes, cancel my booking").click()
    assert other.locator("h1").inner_text().strip() == "This booking is cancelled"

    offer = email_to(smtp, live_app, EMAIL, "A place is free for you")
    accept_url = link_in(offer, live_server, "/b/")
    assert accept_url.endswith("?answer=accept")  # "Yes, I want this place"
    page.goto(accept_url)
    assert journey.heading() == "A place is free for you"
    journey.look("4-place-offered")
    page.get_by_role("button", name="Accept the place").click()

    assert journey.heading() == "You have a place"
    journey.look("5-you-have-a-place")
    email_to(smtp, live_app, EMAIL, "You have a place")
