"""At the door on a phone (375 px wide, by touch): mark everyone present with one button,
then tap the two exceptions. With JavaScript each tap saves without a reload; without it
each tap posts the row's form. axe checks the register at each step."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import expect

from booking.models import AttendanceChange, AttendanceMark, Group, Mark

from .conftest import NO_JAVASCRIPT
from .journeys import JS_IDS, JS_MODES

ON_THE_DAY = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)
PHONE = {"width": 375, "height": 667}
EMAIL = "door.keeper@cumbria.gov.uk"
PASSWORD = "a long and memorable passphrase"
SECRET = pyotp.random_base32()
PEOPLE = ["Amy Brown", "Ben Carter", "Cara Doyle", "Dev Evans", "Erin Fox"]


@pytest.fixture
def register_day(live_app, make):
    live_app.config["CLOCK_OVERRIDE"] = ON_THE_DAY
    make.coordinator(
        EMAIL,
        PASSWORD,
        totp_secret=SECRET,
        totp_confirmed_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )
    course = make.course()
    for name in PEOPLE:
        group = Group.PARTNER if name == "Dev Evans" else Group.STAFF
        make.booking(course, make.person(group, full_name=name))
    return course.days[0]


def phone(browser, javascript: bool):
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, java_script_enabled=javascript
    )
    if not javascript:
        NO_JAVASCRIPT.add(context)
    context.set_default_timeout(10_000)
    return context


def sign_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/coordinator/sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).at(ON_THE_DAY))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def row(page, name: str):
    return page.locator("li.app-register-row", has=page.get_by_role("heading", name=name))


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_mark_everyone_present_then_two_exceptions_by_touch_on_a_phone(
    live_server, browser, axe, screenshot, register_day, db, javascript
):
    context = phone(browser, javascript)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/coordinator/registers/days/{register_day.id}")
    axe.check(page)
    screenshot(page, f"register-phone-{'js' if javascript else 'no-js'}-1-start")
    counts = page.locator("#register-counts")
    expect(counts).to_contain_text("5 not yet marked")

    page.get_by_role("button", name="Mark everyone not yet marked as present (5)").tap()
    expect(page.get_by_text("5 people marked present")).to_be_visible()
    expect(counts).to_contain_text("5 present")

    row(page, "Ben Carter").get_by_role("button", name="Late").tap()
    expect(row(page, "Ben Carter")).to_contain_text("Marked late")
    row(page, "Dev Evans").get_by_role("button", name="Absent").tap()
    expect(row(page, "Dev Evans")).to_contain_text("Marked absent")
    expect(row(page, "Dev Evans")).to_contain_text("Saved")
    expect(row(page, "Dev Evans").get_by_role("button", name="Absent")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(counts).to_contain_text("3 present")
    expect(counts).to_contain_text("1 late")
    expect(counts).to_contain_text("1 absent")
    expect(counts).to_contain_text("0 not yet marked")
    axe.check(page)
    screenshot(page, f"register-phone-{'js' if javascript else 'no-js'}-2-marked")

    # A row stays compact: the whole of Amy's row fits in a fifth of the phone's height.
    height = row(page, "Amy Brown").bounding_box()["height"]
    assert height < 200, f"a register row is {height}px tall on a phone"
    # Each mark is a big enough target to tap (at least 44 by 44 pixels).
    box = row(page, "Amy Brown").get_by_role("button", name="Left early").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44

    db.session.rollback()  # leave the snapshot taken before the marks were saved
    saved = {m.booking.person.full_name: m.mark for m in db.session.query(AttendanceMark)}
    assert saved == {
        "Amy Brown": Mark.PRESENT,
        "Ben Carter": Mark.LATE,
        "Cara Doyle": Mark.PRESENT,
        "Dev Evans": Mark.ABSENT,
        "Erin Fox": Mark.PRESENT,
    }
    assert db.session.query(AttendanceChange).count() == 7  # five, then two changes
    context.close()


def test_check_in_by_typed_code_without_javascript_on_a_phone(
    live_server, browser, axe, screenshot, register_day, db
):
    from booking.models import Booking
    from booking.services import check_in

    bookings = {b.person.full_name: b for b in db.session.query(Booking)}
    codes = {
        name: dict((d.day_number, c) for d, c in check_in.codes_for(b))
        for name, b in bookings.items()
    }
    db.session.commit()
    context = phone(browser, javascript=False)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/coordinator/registers/days/{register_day.id}")
    page.get_by_role("link", name="Check in by code").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check in by code")
    axe.check(page)

    code = codes["Cara Doyle"][1]
    page.get_by_label("Check-in code").fill(f"{code[:3].lower()} {code[3:]}")
    page.get_by_role("button", name="Check in").tap()
    result = page.get_by_role("status")
    expect(result).to_contain_text("Cara Doyle")
    expect(result).to_contain_text("Checked in at 9:20am.")
    expect(page.get_by_label("Check-in code")).to_have_value("")
    axe.check(page)
    screenshot(page, "check-in-phone-no-js-1-checked-in")

    page.get_by_label("Check-in code").fill(codes["Erin Fox"][2])
    page.get_by_role("button", name="Check in").tap()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Not checked in: Erin Fox")
    expect(refusal).to_contain_text("This code is for day 2")
    axe.check(page)
    screenshot(page, "check-in-phone-no-js-2-refused")

    db.session.rollback()
    saved = {m.booking.person.full_name: m.mark for m in db.session.query(AttendanceMark)}
    assert saved == {"Cara Doyle": Mark.PRESENT}
    context.close()
