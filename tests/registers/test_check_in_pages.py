"""Check in by code on the register (a typed code works without JavaScript), and the codes
on the booking page, "My bookings" and the reminder email."""

import base64

import pytest
from sqlalchemy import select

from booking.models import AttendanceMark, BookingStatus, Mark, OutboxMessage
from booking.services import check_in, links
from booking.services.reminders import queue_due_reminders

from .conftest import DAY_1_MORNING


def code_for(booking, day_number=1):
    return dict((d.day_number, c) for d, c in check_in.codes_for(booking))[day_number]


def test_the_register_links_to_check_in_by_code_on_the_day(
    coordinator_client, make, course, day1, on_day_1
):
    page = coordinator_client.get(f"/coordinator/registers/days/{day1.id}").get_data(as_text=True)
    assert f'href="/coordinator/registers/days/{day1.id}/check-in"' in page


def test_a_typed_code_checks_them_in_and_shows_their_name_with_a_tick(
    db, coordinator_client, make, course, day1, on_day_1
):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    url = f"/coordinator/registers/days/{day1.id}/check-in"
    assert "Check-in code" in coordinator_client.get(url).get_data(as_text=True)
    response = coordinator_client.post(url, data={"code": code_for(booking).lower()})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "app-check-in-result--yes" in page and "&#10004;" in page
    assert '<p class="app-check-in-result__name">Amy Brown</p>' in page
    assert "Checked in at 9:45am." in page
    assert '<strong class="app-register-counts__number">1</strong> present' in page
    assert code_for(booking).lower() not in page  # the box is empty for the next person
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.PRESENT


def test_a_refused_code_shows_the_reason_in_red(
    db, coordinator_client, make, course, day1, on_day_1
):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    url = f"/coordinator/registers/days/{day1.id}/check-in"
    response = coordinator_client.post(url, data={"code": code_for(booking, 2)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "app-check-in-result--no" in page and 'role="alert"' in page
    assert "Not checked in: Amy Brown" in page
    assert "This code is for day 2 (Tuesday 3 March 2026), not this day." in page
    assert db.session.scalar(select(AttendanceMark.id)) is None


def test_checking_in_twice_says_when(db, coordinator_client, make, course, day1, on_day_1):
    booking = make.booking(course)
    url = f"/coordinator/registers/days/{day1.id}/check-in"
    coordinator_client.post(url, data={"code": code_for(booking)})
    page = coordinator_client.post(url, data={"code": code_for(booking)}).get_data(as_text=True)
    assert "Already checked in at 9:45am." in page


def test_an_empty_code_asks_for_one(coordinator_client, make, course, day1, on_day_1):
    url = f"/coordinator/registers/days/{day1.id}/check-in"
    response = coordinator_client.post(url, data={"code": ""})
    assert response.status_code == 400
    assert "Enter the code from their email or booking page." in response.get_data(as_text=True)


def test_checking_in_needs_a_coordinator(db, client, make, course, day1, on_day_1):
    booking = make.booking(course)
    url = f"/coordinator/registers/days/{day1.id}/check-in"
    for response in (client.get(url), client.post(url, data={"code": code_for(booking)})):
        assert response.status_code == 302 and "/coordinator/sign-in" in response.location
    assert db.session.scalar(select(AttendanceMark.id)) is None


def test_the_booking_page_shows_a_code_and_a_qr_code_for_each_day(app, client, make, course, clock):
    booking = make.booking(course)
    page = client.get(links.manage_path(booking, app.config["SECRET_KEY"])).get_data(as_text=True)
    assert "Your check-in codes" in page
    for day_number in (1, 2):
        code = code_for(booking, day_number)
        assert f"{code[:3]} {code[3:]}" in page
        assert f"QR code for checking in on day {day_number}" in page
    assert page.count("<svg") >= 2


def test_no_codes_are_shown_without_a_place(app, client, make, course, clock):
    booking = make.booking(course, status=BookingStatus.WAITLISTED)
    page = client.get(links.manage_path(booking, app.config["SECRET_KEY"])).get_data(as_text=True)
    assert "check-in code" not in page.lower()


def test_my_bookings_shows_the_codes(client, make, course, clock):
    booking = make.booking(course)
    with client.session_transaction() as sess:
        sess["attendee"] = {"id": booking.person.id, "v": booking.person.session_version}
    page = client.get("/my-bookings").get_data(as_text=True)
    code = code_for(booking)
    assert "Your check-in codes" in page and f"{code[:3]} {code[3:]}" in page


@pytest.mark.parametrize("when", ["week", "day"])
def test_the_reminder_has_the_codes_and_their_qr_codes_attached(db, make, course, when):
    from datetime import UTC, datetime

    booking = make.booking(course, confirmed_at=datetime(2026, 2, 1, tzinfo=UTC))
    now = (
        datetime(2026, 2, 23, 9, 30, tzinfo=UTC) if when == "week" else DAY_1_MORNING.replace(day=1)
    )
    assert queue_due_reminders(now=now).reminders == 1
    row = db.session.scalar(select(OutboxMessage))
    first, second = code_for(booking, 1), code_for(booking, 2)
    assert f"Day 1 (Monday 2 March 2026): {first[:3]} {first[3:]}" in row.text_body
    assert f"Day 2 (Tuesday 3 March 2026): {second[:3]} {second[3:]}" in row.text_body
    assert first[:3] in row.html_body and first not in row.subject
    pictures = [a for a in row.attachments if a["content_type"] == "image/png"]
    assert [p["filename"] for p in pictures] == [
        "check-in-code-day-1.png",
        "check-in-code-day-2.png",
    ]
    assert base64.b64decode(pictures[0]["data"]).startswith(b"\x89PNG")


def test_the_scanner_gets_the_result_and_the_count_back_from_the_same_address(
    db, coordinator_client, make, course, day1, on_day_1
):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    url = f"/coordinator/registers/days/{day1.id}/check-in"
    json = {"Accept": "application/json"}
    reply = coordinator_client.post(url, data={"code": code_for(booking)}, headers=json)
    assert reply.status_code == 200 and reply.get_json()["checked_in"] is True
    assert "Amy Brown" in reply.get_json()["result"]
    assert "1</strong> present" in reply.get_json()["counts"]
    again = coordinator_client.post(url, data={"code": code_for(booking)}, headers=json)
    assert again.status_code == 400 and again.get_json()["checked_in"] is False
    assert "Already checked in at 9:45am." in again.get_json()["result"]


def test_only_the_check_in_page_may_use_the_camera(
    coordinator_client, make, course, day1, on_day_1
):
    url = f"/coordinator/registers/days/{day1.id}"
    check_in_page = coordinator_client.get(f"{url}/check-in")
    assert "camera=(self)" in check_in_page.headers["Permissions-Policy"]
    assert "camera=()" in coordinator_client.get(url).headers["Permissions-Policy"]
