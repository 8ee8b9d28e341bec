"""Self check-in on a phone, 375 px wide and without JavaScript: a person scans the code on
the room's screen, signs in with the emailed link, scans again and is checked in. axe checks
each page, and the room's screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.models import AttendanceMark, Mark
from booking.services import self_check_in

from .conftest import DESKTOP
from .journeys import Journey, email_to, link_in
from .test_register_on_a_phone import EMAIL, PASSWORD, PHONE, SECRET, sign_in

ON_THE_DAY = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)
ATTENDEE = "cara.doyle@cumberland.gov.uk"


@pytest.fixture
def self_check_in_day(live_app, make):
    live_app.config["CLOCK_OVERRIDE"] = ON_THE_DAY
    make.coordinator(
        EMAIL, PASSWORD, totp_secret=SECRET, totp_confirmed_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    course = make.course()
    make.booking(course, make.person(email=ATTENDEE, full_name="Cara Doyle"))
    return course.days[0]


def test_a_person_checks_themselves_in_on_their_phone_without_javascript(
    live_server, live_app, new_page, axe, screenshot, smtp, self_check_in_day, db
):
    day = self_check_in_day
    screen = new_page(viewport=DESKTOP)
    sign_in(screen, live_server)
    screen.goto(f"{live_server}/coordinator/registers/days/{day.id}/self-check-in")
    # The room's screen reloads itself when its code changes, on purpose: it is a real-time
    # display (WCAG 2.2.1's real-time exception). Every other rule applies to it.
    axe.check(screen, except_rules=("meta-refresh",))
    screenshot(screen, "self-check-in-screen")
    assert screen.locator("svg.app-qr-code").count() == 1

    shown = self_check_in.code_on_screen(
        day, secret=live_app.config["SECRET_KEY"], now=ON_THE_DAY
    ).code
    scanned = f"{live_server}/check-in/{day.id}/{shown}"
    page = new_page(viewport=PHONE, javascript=False)
    journey = Journey(page, axe, screenshot, "self-check-in", javascript=False, widths=[PHONE])
    page.goto(scanned)
    journey.look("1-sign-in-first")
    page.get_by_label("Email address").fill(ATTENDEE)
    page.get_by_role("button", name="Send").click()
    journey.look("2-check-your-email")

    page.goto(link_in(email_to(smtp, live_app, ATTENDEE, "sign in"), live_server, "/sign-in/"))
    page.get_by_role("button", name="Sign in").click()
    assert "scan the code on the screen again" in page.locator("main").inner_text()
    journey.look("3-scan-again")

    page.goto(scanned)
    journey.look("4-check-me-in")
    page.get_by_role("button", name="Check me in").click()
    result = page.locator(".app-check-in-result--yes")
    assert "Cara Doyle" in result.inner_text() and "Checked in at 9:20am." in result.inner_text()
    journey.look("5-checked-in")
    db.session.rollback()  # a fresh look at what the live app saved
    assert db.session.query(AttendanceMark).one().mark == Mark.PRESENT
