"""The booking journey through the web: book, confirm the address, see the booking, answer
offers, cancel and move, with the clock moved by hand."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking.models import AuditEvent, Booking, BookingStatus, EmailLink, Group, OutboxMessage
from booking.services import changes, courses, links, requests

FORM = {
    "full_name": "Jo Bloggs",
    "email": "Jo.Bloggs@Cumberland.gov.uk",
    "job_title": "Social Worker",
    "team": "Carlisle Children's Services",
    "organisation": "",
    "line_manager_email": "",
    "support_needs": "",
    "consent": "y",
}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def confirm_path(db) -> str:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "confirm_your_email")
        .order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"/confirm/[A-Za-z0-9_\-]+", message.text_body).group(0)


def manage_path(app, booking) -> str:
    return links.manage_path(booking, app.config["SECRET_KEY"])


def text(response) -> str:
    return response.get_data(as_text=True)


def book_and_confirm(client, db, course, **fields):
    client.post(f"/courses/{course.id}/book", data={**FORM, **fields})
    return client.post(confirm_path(db), follow_redirects=True)


# ---------------------------------------------------------------------------- the form


def test_the_booking_form_asks_for_every_detail(client, make, clock):
    course = make.course()
    page = text(client.get(f"/courses/{course.id}/book"))
    for label in (
        "Full name",
        "Work email address",
        "Job title",
        "Team or service",
        "Organisation",
        "line manager",
        "Do you need any support or have any special requirements to attend?",
        "privacy notice",
    ):
        assert label in page
    assert "novalidate" in page


def test_bad_form_input_shows_the_error_summary_and_saves_nothing(client, db, make, clock):
    course = make.course()
    response = client.post(
        f"/courses/{course.id}/book", data={**FORM, "email": "not-an-address", "consent": ""}
    )
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter your work email address in the correct format" in page
    assert "Tick the box to agree" in page
    assert 'href="#email"' in page
    assert count(db, EmailLink) == 0 and count(db, OutboxMessage) == 0

    empty = text(client.post(f"/courses/{course.id}/book", data={}))
    assert "Enter your full name" in empty and "Enter your job title" in empty


def test_each_email_field_says_which_address_is_wrong(client, make, clock):
    course = make.course()
    page = text(
        client.post(
            f"/courses/{course.id}/book",
            data={**FORM, "email": "not-an-address", "line_manager_email": "nor-this"},
        )
    ).replace("&#39;", "'")
    assert "Enter your work email address in the correct format" in page
    assert "Enter your line manager's email address in the correct format" in page
    assert "Enter an email address in the correct format" not in page


def test_partner_agency_people_must_say_who_they_work_for(client, db, make, clock):
    course = make.course()
    page = text(client.post(f"/courses/{course.id}/book", data={**FORM, "email": "jo@nhs.net"}))
    assert "Enter the organisation you work for" in page
    assert count(db, EmailLink) == 0


def test_a_closed_course_says_so_instead_of_showing_the_form(client, make, clock):
    course = make.course(booking_closes_at=clock() - timedelta(minutes=1))
    page = text(client.get(f"/courses/{course.id}/book"))
    assert "Bookings have closed" in page
    assert 'name="full_name"' not in page
    response = client.post(f"/courses/{course.id}/book", data=FORM)
    assert "Bookings for this course have closed" in text(response)


def test_draft_and_unknown_courses_are_not_found(client, make, clock):
    from booking.models import CourseStatus

    draft = make.course(status=CourseStatus.DRAFT)
    assert client.get(f"/courses/{draft.id}/book").status_code == 404
    assert client.get("/courses/99999/book").status_code == 404
    assert client.get("/courses/99999999999999999999/book").status_code == 404


# ---------------------------------------------------------------------------- confirming


def test_book_confirm_the_address_and_see_you_have_a_place(client, db, make, clock):
    course = make.course()
    response = client.post(f"/courses/{course.id}/book", data=FORM)
    assert response.status_code == 302
    check = text(client.get(response.headers["Location"]))
    assert "Check your email" in check and "jo.bloggs@cumberland.gov.uk" in check
    assert count(db, Booking) == 0

    path = confirm_path(db)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my booking" in text(page)
    assert count(db, Booking) == 0  # opening the link (as a mail scanner would) books nothing

    done = client.post(path)
    assert done.status_code == 302 and done.headers["Location"].startswith("/b/")
    booking_page = text(client.get(done.headers["Location"]))
    assert "You have a place" in booking_page
    assert "Your email address is confirmed" in booking_page
    booking = db.session.scalar(select(Booking))
    assert booking.status == BookingStatus.CONFIRMED and booking.person.group == Group.STAFF


def test_when_full_you_see_your_number_on_the_waitlist(client, db, make, clock):
    course = make.course(total_places=1, partner_places=0)
    make.booking(course)
    book_and_confirm(client, db, course, email="first@cumbria.gov.uk")
    page = text(book_and_confirm(client, db, course, email="second@cumbria.gov.uk"))
    assert "You are number 2 on the waitlist" in page


def test_someone_already_trained_is_told_they_can_only_wait(client, db, make, clock):
    from booking.models import CompletionSource, TrainingCompletion

    course = make.course()
    person = make.person(Group.STAFF, email="jo.bloggs@cumberland.gov.uk")
    db.session.add(
        TrainingCompletion(
            person_id=person.id,
            course_type_id=course.course_type_id,
            completed_on=date(2024, 1, 1),
            source=CompletionSource.ELSEWHERE,
        )
    )
    db.session.commit()
    page = text(book_and_confirm(client, db, course))
    assert "You are number 1 on the waitlist" in page
    assert "already completed this training" in page


def test_a_used_link_shows_the_booking_not_an_error(client, db, make, clock):
    course = make.course()
    client.post(f"/courses/{course.id}/book", data=FORM)
    path = confirm_path(db)
    client.post(path)
    again = client.post(path, follow_redirects=True)
    assert again.status_code == 200 and "You have a place" in text(again)
    opened = client.get(path, follow_redirects=True)
    assert "You have a place" in text(opened)
    assert count(db, Booking) == 1


def test_an_expired_link_says_so_and_offers_a_way_to_ask_again(client, db, make, clock):
    course = make.course()
    client.post(f"/courses/{course.id}/book", data=FORM)
    path = confirm_path(db)
    clock.advance(hours=24)
    page = client.get(path)
    assert page.status_code == 410
    assert "This link has expired" in text(page)
    assert f"/courses/{course.id}/book" in text(page)
    assert client.post(path).status_code == 410
    assert count(db, Booking) == 0


def test_an_unknown_confirm_link_is_not_found(client, make, clock):
    assert client.get("/confirm/made-up").status_code == 404
    assert client.post("/confirm/made-up").status_code == 404


def test_someone_with_a_place_on_another_date_is_told_to_move_instead(client, db, make, clock):
    first = make.course()
    second = make.course(day1=date(2026, 4, 6))
    book_and_confirm(client, db, first)
    response = book_and_confirm(client, db, second)
    assert response.status_code == 409
    assert "You already have a place on this training" in text(response)


# ---------------------------------------------------------------------------- the booking page


@pytest.fixture
def offered(app, db, make, clock):
    """A course with one place: a holder who cancels, so the first person waiting is offered it."""
    course = make.course(total_places=1, partner_places=0)
    holder = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    first = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    second = requests.book_place(
        course, make.person(Group.STAFF), actor="test", now=clock() + timedelta(minutes=1)
    )
    changes.cancel_booking(holder, actor="test", now=clock())
    return first, second


def test_an_offer_shows_until_when_and_can_be_accepted(client, app, db, offered, clock):
    first, _second = offered
    page = text(client.get(manage_path(app, first)))
    assert "A place is free for you" in page
    assert "9am on Wednesday 7 January 2026" in page  # 48 hours from 9am on the 5th
    response = client.post(manage_path(app, first) + "/accept", follow_redirects=True)
    assert "You have a place" in text(response)
    assert db.session.get(Booking, first.id).status == BookingStatus.CONFIRMED


def test_the_answer_links_in_the_offer_email_only_show_buttons(client, app, db, offered, clock):
    first, _second = offered
    for answer in ("accept", "decline"):
        page = text(client.get(manage_path(app, first) + f"?answer={answer}"))
        assert "Accept the place" in page and "Say no to the place" in page
    db.session.expire_all()
    assert db.session.get(Booking, first.id).status == BookingStatus.OFFERED


def test_declining_an_offer_passes_it_to_the_next_person(client, app, db, offered, clock):
    first, second = offered
    response = client.post(manage_path(app, first) + "/decline", follow_redirects=True)
    assert "You said no to this place" in text(response)
    db.session.expire_all()
    assert db.session.get(Booking, second.id).status == BookingStatus.OFFERED


def test_an_offer_not_answered_in_time_has_ended(client, app, db, offered, clock):
    first, second = offered
    clock.advance(hours=48)
    page = text(client.get(manage_path(app, first)))
    assert "This offer has ended" in page
    db.session.expire_all()
    assert db.session.get(Booking, second.id).status == BookingStatus.OFFERED
    late = client.post(manage_path(app, first) + "/accept", follow_redirects=True)
    assert "This offer is no longer open" in text(late)


def test_cancelling_asks_first_then_cancels(client, app, db, make, clock):
    course = make.course()
    booking = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    path = manage_path(app, booking)
    assert "Cancel my booking" in text(client.get(path))
    question = text(client.get(path + "/cancel"))
    assert "Are you sure you want to cancel your booking?" in question
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED
    response = client.post(path + "/cancel", follow_redirects=True)
    assert "This booking is cancelled" in text(response)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.CANCELLED


def test_after_the_cut_off_the_page_says_to_contact_the_team(client, app, db, make, clock):
    course = make.course()
    booking = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    clock.set(course.booking_closes_at + timedelta(minutes=1))
    page = text(client.get(manage_path(app, booking)))
    assert "too late to change this booking online" in page
    assert "Cancel my booking" not in page
    refused = client.post(manage_path(app, booking) + "/cancel", follow_redirects=True)
    assert "too late to cancel online" in text(refused)
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED


def test_moving_to_another_date_from_the_booking_page(client, app, db, make, clock):
    old = make.course()
    new = make.course(day1=date(2026, 4, 6), venue_obj=make.venue("Penrith"))
    booking = requests.book_place(old, make.person(Group.STAFF), actor="test", now=clock())
    path = manage_path(app, booking)
    choices = text(client.get(path + "/move"))
    assert "Monday 6 April 2026" in choices and "Penrith" in choices
    response = client.post(path + "/move", data={"course_id": str(new.id)})
    assert response.status_code == 302
    assert "You have a place" in text(client.get(response.headers["Location"]))
    assert "Your booking has moved to another date" in text(client.get(path))


def test_moving_to_a_date_not_offered_is_an_error_not_a_crash(client, app, make, clock):
    old = make.course()
    booking = requests.book_place(old, make.person(Group.STAFF), actor="test", now=clock())
    make.course(day1=date(2026, 4, 6))
    response = client.post(manage_path(app, booking) + "/move", data={"course_id": "99999"})
    assert response.status_code == 200
    assert "Choose one of the dates shown" in text(response)


def test_a_forged_or_revoked_booking_link_is_not_found(client, app, db, make, clock):
    booking = make.booking(make.course())
    assert client.get("/b/not-a-real-token").status_code == 404
    assert client.post("/b/not-a-real-token/cancel").status_code == 404
    path = manage_path(app, booking)
    booking.link_key = links.new_link_key()
    db.session.commit()
    assert client.get(path).status_code == 404


def test_looking_at_pages_never_changes_anything(client, app, db, make, clock):
    course = make.course()
    make.course(day1=date(2026, 4, 6))
    client.post(f"/courses/{course.id}/book", data=FORM)
    path = confirm_path(db)
    booking = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    before = (
        count(db, Booking),
        count(db, AuditEvent),
        count(db, OutboxMessage),
        db.session.scalar(select(EmailLink.used_at)),
    )
    manage = manage_path(app, booking)
    for url in (path, manage, manage + "/cancel", manage + "/move", f"/courses/{course.id}/book"):
        assert client.get(url).status_code == 200
    db.session.expire_all()
    after = (
        count(db, Booking),
        count(db, AuditEvent),
        count(db, OutboxMessage),
        db.session.scalar(select(EmailLink.used_at)),
    )
    assert before == after
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED


def test_the_booking_page_says_when_the_course_was_cancelled(client, app, make, clock):
    course = make.course()
    booking = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    courses.cancel_course(course, actor=make.coordinator(), now=clock(), reason="Trainer ill")
    page = text(client.get(manage_path(app, booking)))
    assert "This booking is cancelled" in page
    assert "This course has been cancelled" in page
    assert "Trainer ill" not in page  # the coordinator's reason is for the record only


def test_a_cancel_link_sent_by_email_asks_first_then_cancels_once(client, app, db, make, clock):
    """The mailbox replies to "please cancel my place" with a one-click cancel link."""
    from booking.models import LinkPurpose

    course = make.course()
    booking = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    _link, token = links.issue_link(
        LinkPurpose.CANCEL_BY_EMAIL,
        booking.person.email,
        now=clock(),
        ttl=timedelta(hours=24),
        course=course,
        booking=booking,
    )
    page = client.get(f"/cancel/{token}")
    assert "Are you sure you want to cancel your booking?" in text(page)
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED
    done = client.post(f"/cancel/{token}", follow_redirects=True)
    assert "This booking is cancelled" in text(done)
    again = client.post(f"/cancel/{token}", follow_redirects=True)
    assert "This booking is cancelled" in text(again)
    assert client.get("/cancel/made-up").status_code == 404


def test_an_expired_cancel_link_changes_nothing(client, app, db, make, clock):
    from booking.models import LinkPurpose

    course = make.course()
    booking = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    _link, token = links.issue_link(
        LinkPurpose.CANCEL_BY_EMAIL,
        booking.person.email,
        now=clock(),
        ttl=timedelta(hours=24),
        booking=booking,
    )
    clock.advance(hours=25)
    assert client.get(f"/cancel/{token}").status_code == 410
    assert "This link has expired" in text(client.post(f"/cancel/{token}", follow_redirects=True))
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED
