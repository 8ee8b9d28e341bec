"""A line manager approves a training request from the emailed link on a phone (375 px,
by touch); axe checks the request page and the answer."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from booking.models import Booking, BookingStatus, OutboxMessage
from booking.services import requests

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PHONE = {"width": 375, "height": 667}
MANAGER = "rowan.manager@cumberland.gov.uk"


def test_a_manager_approves_a_request_on_a_phone(live_server, live_app, browser, axe, make, db):
    live_app.config["CLOCK_OVERRIDE"] = NOW
    course = make.course()
    course.course_type.manager_approval_required = True
    db.session.commit()
    person = make.person(full_name="Alex Example", line_manager_email=MANAGER)
    waiting = requests.book_or_ask_manager(course, person, actor="test", now=NOW)
    body = db.session.scalar(
        select(OutboxMessage.text_body).where(OutboxMessage.kind == "manager_approval")
    )
    db.session.rollback()  # end this test's read before the live app writes
    path = re.search(r"(/manager/approve/\S+)", body).group(1)

    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve training for Alex Example?")
    axe.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Approve").tap()

    expect(page.get_by_role("heading", level=1)).to_contain_text("you approved")
    expect(page.get_by_text("has a place")).to_be_visible()
    axe.check(page)
    db.session.rollback()  # read what the live app saved
    assert db.session.get(Booking, waiting.id).status == BookingStatus.CONFIRMED
    context.close()
