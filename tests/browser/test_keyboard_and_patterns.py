"""The booking journey by keyboard alone, and the GOV.UK patterns on the booking form:
error summary with inline errors, a skip link, one h1 and a label on every field."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from .journeys import JS_IDS, JS_MODES, Journey, email_to, link_in, tab_to

NOW = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
EMAIL = "sam.keys@cumberland.gov.uk"

FIELDS_WITHOUT_LABELS = """() => [...document.querySelectorAll(
    'main input:not([type=hidden]):not([type=submit]), main select, main textarea')]
  .filter(el => !(el.id && document.querySelector('label[for="' + el.id + '"]')))
  .map(el => el.name)"""


@pytest.fixture
def course(live_app, make):
    live_app.config["CLOCK_OVERRIDE"] = NOW
    return make.course(date(2026, 3, 9), venue_obj=make.venue("Workington"))


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_staff_member_books_with_the_keyboard_alone(
    live_server, live_app, new_page, axe, screenshot, smtp, course, javascript
):
    page = new_page(javascript=javascript)
    journey = Journey(page, axe, screenshot, "keyboard-booking", javascript=javascript)
    page.goto(f"{live_server}/courses")

    tab_to(page, "Details and booking")
    page.keyboard.press("Enter")
    page.wait_for_url("**/courses/*")
    tab_to(page, "Book a place")
    journey.look("1-course-with-focus")
    page.keyboard.press("Enter")  # a link styled as a button: Enter follows it
    page.wait_for_url("**/book")

    for label, answer in [
        ("Full name", "Sam Keys"),
        ("Work email address", EMAIL),
        ("Job title", "Family Support Worker"),
        ("Team or service", "Early Help"),
    ]:
        tab_to(page, label)
        page.keyboard.type(answer)
    tab_to(page, "I agree to my details being used")
    page.keyboard.press("Space")
    assert page.get_by_label("I agree to my details being used").is_checked()
    tab_to(page, "Send me a link to confirm")
    journey.look("2-form-filled-with-focus")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check-your-email")

    page.goto(link_in(email_to(smtp, live_app, EMAIL, "confirm"), live_server, "/confirm/"))
    tab_to(page, "Confirm my booking")
    page.keyboard.press("Space")  # buttons answer to Space as well as Enter
    page.wait_for_url("**/b/*")
    assert journey.heading() == "You have a place"
    journey.look("3-you-have-a-place")


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_booking_form_sent_empty_shows_error_summary_linked_to_each_field(
    live_server, new_page, axe, screenshot, course, javascript
):
    page = new_page(javascript=javascript)
    journey = Journey(page, axe, screenshot, "booking-form-errors", javascript=javascript)
    page.goto(f"{live_server}/courses/{course.id}/book")
    assert page.evaluate(FIELDS_WITHOUT_LABELS) == []

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"

    page.get_by_role("button", name="Send me a link to confirm").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading").inner_text().strip() == "There is a problem"
    links = summary.get_by_role("link")
    assert links.count() >= 5  # name, email, job title, team, consent
    assert page.locator(".govuk-error-message").count() == links.count()
    if javascript:  # GOV.UK Frontend moves focus to the summary so screen readers hear it
        assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    journey.look("1-errors")

    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")
        link.click()
        if javascript:  # the summary's script focuses the field and scrolls its label into view
            assert page.evaluate("'#' + document.activeElement.id") == target
        else:  # without scripts the link still jumps to the field, which exists
            assert page.url.endswith(target)
            assert page.locator(target).count() == 1
