"""Line managers' pages (issue 17): "My team" shows a manager only the people who named
them; a manager signs in with the ordinary emailed link; a person changes or removes their
line manager on "My bookings"; the booking form asks for a manager where approval is on;
coordinators see requests waiting for a manager and approve for them with a reason."""

import re

from sqlalchemy import select

from booking.models import AuditEvent, Booking, BookingStatus, OutboxMessage
from booking.services import requests

from .test_booking_journey import FORM
from .test_booking_signed_in import sign_in_as

MANAGER = "rowan.manager@cumberland.gov.uk"


def _sign_in_with_emailed_link(client, db, email):
    assert client.post("/sign-in", data={"email": email}).status_code == 302
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "sign_in_link", OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, "no sign-in link was sent"
    token = re.search(r"/sign-in/([A-Za-z0-9_-]+)", message.text_body).group(1)
    return client.post(f"/sign-in/{token}")


def test_a_manager_who_never_booked_signs_in_and_sees_only_their_team(client, db, make, clock):
    course = make.course()
    mine = make.person(full_name="Alex Mine", line_manager_email=MANAGER)
    make.person(full_name="Bo Mine", line_manager_email="Rowan.Manager@Cumberland.gov.uk")
    make.person(full_name="Cy Someone Else", line_manager_email="other.boss@cumberland.gov.uk")
    requests.book_place(course, mine, actor="test", now=clock.now)

    response = _sign_in_with_emailed_link(client, db, MANAGER)

    assert response.headers["Location"] == "/my-team"
    page = client.get("/my-team").get_data(as_text=True)
    assert "Alex Mine" in page and "Bo Mine" in page
    assert "Cy Someone Else" not in page
    assert "Booked" in page and "2 March 2026" in page
    assert client.get("/my-bookings").status_code == 302  # not an attendee: no bookings page


def test_nobody_else_sees_a_team(client, db, make, clock):
    make.person(full_name="Alex Mine", line_manager_email=MANAGER)
    assert client.get("/my-team").headers["Location"].endswith("/sign-in")
    sign_in_as(client, make.person(email="someone@cumberland.gov.uk"))
    page = client.get("/my-team").get_data(as_text=True)
    assert "Nobody has given this email address" in page
    assert "Alex Mine" not in page


def test_an_address_nobody_named_gets_no_sign_in_link(client, db, make, clock):
    client.post("/sign-in", data={"email": "stranger@cumberland.gov.uk"})
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_person_changes_and_removes_their_line_manager_on_my_bookings(client, db, make, clock):
    person = make.person(line_manager_email=MANAGER)
    sign_in_as(client, person)
    assert MANAGER in client.get("/my-bookings").get_data(as_text=True)
    assert MANAGER in client.get("/my-bookings/line-manager").get_data(as_text=True)

    bad = client.post("/my-bookings/line-manager", data={"line_manager_email": "not an address"})
    assert bad.status_code == 200 and "There is a problem" in bad.get_data(as_text=True)

    client.post("/my-bookings/line-manager", data={"line_manager_email": "New@Cumberland.gov.uk"})
    db.session.expire_all()
    assert person.line_manager_email == "new@cumberland.gov.uk"
    removed = client.post("/my-bookings/line-manager", data={"line_manager_email": ""})
    assert removed.status_code == 302
    db.session.expire_all()
    assert person.line_manager_email == ""


def test_the_form_asks_for_a_line_manager_where_approval_is_on(client, db, make, clock):
    course = make.course()
    course.course_type.manager_approval_required = True
    db.session.commit()

    form = client.get(f"/courses/{course.id}/book").get_data(as_text=True)
    assert (
        "need their line manager&#39;s approval" in form
        or "need their line manager's approval" in form
    )
    label = re.search(r'for="line_manager_email">\s*([^<]*)<', form).group(1)
    assert label.strip() == "Your line manager&#39;s email address"

    response = client.post(f"/courses/{course.id}/book", data=FORM)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Enter your line manager" in page and 'href="#line_manager_email"' in page
    ok = client.post(f"/courses/{course.id}/book", data={**FORM, "line_manager_email": MANAGER})
    assert ok.status_code == 302


def test_coordinators_see_requests_waiting_and_approve_for_a_manager_with_a_reason(
    coordinator_client, db, make, clock
):
    course = make.course()
    course.course_type.manager_approval_required = True
    db.session.commit()
    person = make.person(full_name="Alex Waiting", line_manager_email=MANAGER)
    waiting = requests.book_or_ask_manager(course, person, actor="test", now=clock.now)

    page = coordinator_client.get("/coordinator/approvals").get_data(as_text=True)
    assert "Alex Waiting" in page and MANAGER in page

    no_reason = coordinator_client.post(f"/coordinator/approvals/{waiting.id}", data={"reason": ""})
    assert no_reason.status_code == 200 and "There is a problem" in no_reason.get_data(as_text=True)
    done = coordinator_client.post(
        f"/coordinator/approvals/{waiting.id}",
        data={"reason": "Manager away; head of service said yes"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, waiting.id).status == BookingStatus.CONFIRMED
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "booking.approved_for_manager")
    )
    assert event.reason == "Manager away; head of service said yes"
    assert coordinator_client.get(f"/coordinator/approvals/{waiting.id}").status_code == 404


def test_a_coordinator_changes_a_line_manager_with_a_reason(coordinator_client, db, make, clock):
    person = make.person(line_manager_email=MANAGER)
    url = f"/coordinator/people/{person.id}/line-manager"
    assert coordinator_client.get(url).status_code == 200
    refused = coordinator_client.post(url, data={"line_manager_email": ""})
    assert "Say why" in refused.get_data(as_text=True)
    coordinator_client.post(url, data={"line_manager_email": "", "reason": "Left the council"})
    db.session.expire_all()
    assert person.line_manager_email == ""


def test_the_pages_are_not_for_attendees_or_strangers(client, db, make, clock):
    person = make.person()
    sign_in_as(client, person)
    assert client.get("/coordinator/approvals").status_code in (302, 404)
    assert client.get(f"/coordinator/people/{person.id}/line-manager").status_code in (302, 404)


def test_every_page_about_a_request_shows_where_approval_stands(
    client, coordinator_client, db, make, clock, app
):
    from booking.services import approvals, links

    course = make.course()
    course.course_type.manager_approval_required = True
    db.session.commit()
    asked = [
        requests.book_or_ask_manager(
            course, make.person(line_manager_email=MANAGER), actor="test", now=clock.now
        )
        for _ in range(3)
    ]
    approvals.decline(asked[1], actor="test", reason="Not this term", now=clock.now)
    clock.advance(days=8)
    approvals.lapse_overdue(now=clock.now)  # asked[0] and asked[2] lapse...
    waiting = requests.book_or_ask_manager(
        make.course(), make.person(line_manager_email=MANAGER), actor="test", now=clock.now
    )  # ...a new one waits
    expected = {
        waiting.id: "Waiting for your manager to approve",
        asked[1].id: "Your manager did not approve this request",
        asked[0].id: "Your manager did not answer in time",
    }
    for booking_id, heading in expected.items():
        booking = db.session.get(Booking, booking_id)
        page = client.get(links.manage_path(booking, app.config["SECRET_KEY"]))
        assert page.status_code == 200
        assert heading in page.get_data(as_text=True)
        assert coordinator_client.get(f"/coordinator/bookings/{booking_id}").status_code == 200
    assert "Not this term" in client.get(
        links.manage_path(db.session.get(Booking, asked[1].id), app.config["SECRET_KEY"])
    ).get_data(as_text=True)
    assert "Cancel my request" in client.get(
        links.manage_path(waiting, app.config["SECRET_KEY"])
    ).get_data(as_text=True)
    sign_in_as(client, waiting.person)
    assert "Waiting for your manager" in client.get("/my-bookings").get_data(as_text=True)
