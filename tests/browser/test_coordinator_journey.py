"""Journey 3: a coordinator signs in (password, then the authenticator app's code), adds and
publishes a course, and on day 1 takes the register on a tablet."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyotp
import pytest
from playwright.sync_api import expect

from booking.models import AttendanceMark, Course, CourseStatus, Group

from .journeys import JS_IDS, JS_MODES, TABLET, Journey

PLANNING = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
DAY_ONE = date(2026, 3, 2)
ON_THE_DAY = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)  # 9:20am in Cumbria (no summer time yet)
EMAIL = "morgan.hale@cumbria.gov.uk"
PASSWORD = "a long and memorable passphrase"
SECRET = pyotp.random_base32()


@pytest.fixture
def coordinator(live_app, make):
    live_app.config["CLOCK_OVERRIDE"] = PLANNING
    make.venue("Whitehaven", name="The Beacon")
    return make.coordinator(
        EMAIL,
        PASSWORD,
        full_name="Morgan Hale",
        totp_secret=SECRET,
        totp_confirmed_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )


def sign_in(page, journey, base_url: str, now: datetime, *, look: bool) -> None:
    page.goto(f"{base_url}/coordinator/sign-in")
    if look:
        journey.look("1-sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    if look:
        journey.look("2-code")
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).at(now))
    page.get_by_role("button", name="Continue").click()


def fill_date(page, legend: str, when: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_coordinator_signs_in_publishes_a_course_and_takes_the_day_one_register_on_a_tablet(
    live_server, live_app, new_page, axe, screenshot, coordinator, make, db, javascript
):
    page = new_page(javascript=javascript)
    journey = Journey(page, axe, screenshot, "coordinator", javascript=javascript)
    sign_in(page, journey, live_server, PLANNING, look=True)
    journey.look("3-dashboard")

    page.goto(f"{live_server}/coordinator/courses/new")
    journey.look("4-add-a-course")
    page.get_by_label("Venue").select_option(label="The Beacon, Whitehaven")
    for number, day in ((1, DAY_ONE), (2, date(2026, 3, 3))):
        fill_date(page, f"Date of day {number}", day)
        page.get_by_label(f"Day {number} starts at").fill("9:30am")
        page.get_by_label(f"Day {number} ends at").fill("4:30pm")
    page.get_by_label("Total places").fill("16")
    page.get_by_label("Places kept for partner agencies").fill("4")
    page.get_by_label("Note for coordinators").fill("Sam Trainer and Alex Trainer")
    page.get_by_role("button", name="Save course").click()
    journey.look("5-draft-course")
    page.get_by_role("button", name="Publish on the calendar").click()
    journey.look("6-published")

    course = db.session.query(Course).one()
    assert course.status == CourseStatus.PUBLISHED
    attendee = make.booking(course, make.person(Group.STAFF, full_name="Rowan Ellis")).person
    make.booking(course, make.person(Group.PARTNER, full_name="Jamie Fox"))

    # On the day, in the training room, on a tablet.
    live_app.config["CLOCK_OVERRIDE"] = ON_THE_DAY
    tablet = new_page(viewport=TABLET, javascript=javascript)
    register = Journey(tablet, axe, screenshot, "register", javascript=javascript, widths=[TABLET])
    sign_in(tablet, register, live_server, ON_THE_DAY, look=False)
    tablet.goto(f"{live_server}/coordinator/registers")
    register.look("1-registers")
    tablet.get_by_role("link", name="Day 1 register").click()
    assert register.heading() == "Register for day 1: Monday 2 March 2026"
    register.look("2-day-1")

    person = tablet.locator("li", has=tablet.get_by_role("heading", name="Rowan Ellis"))
    person.get_by_role("button", name="Present").click()
    expect(person).to_contain_text("Marked present")
    register.look("3-marked-present")

    db.session.expire_all()
    mark = db.session.query(AttendanceMark).one()
    assert mark.booking.person_id == attendee.id
