"""What people and the training mailbox really receive, read back from a loopback SMTP server."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.mail.outbound import composing
from booking.models import BookingStatus, OutboxMessage
from booking.services import emails
from booking.services.db import transactional

from .conftest import MAILBOX, SENDER
from .helpers import (
    DAY_AFTER_CLOCKS_CHANGE,
    DAY_BEFORE_CLOCKS_CHANGE,
    NOW,
    change_to,
    committed,
    days_of,
    rows,
    send_all,
)


def _confirmed(make, **person_fields):
    course = make.course(DAY_BEFORE_CLOCKS_CHANGE, DAY_AFTER_CLOCKS_CHANGE)
    person = make.person(**({"full_name": "Alex Example"} | person_fields))
    return make.booking(
        course, person, status=BookingStatus.CONFIRMED, support_needs="Needs a hearing loop"
    )


def _invitations(received):
    return [r for r in received if r.calendar_parts()]


def _plain(received):
    return [r for r in received if not r.calendar_parts()]


def _sequence_by_uid(received) -> dict[str, int]:
    events = [r.invitation()[1].events[0] for r in _invitations(received)]
    return {str(event["UID"]): event["SEQUENCE"] for event in events}


def test_a_confirmation_reaches_the_person_with_one_invitation_per_day(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)

    summary = send_all()

    assert summary.sent == 4 and summary.failed == 0
    to_person = smtp.to(booking.person.email)
    assert len(to_person) == 3
    [confirmation] = _plain(to_person)
    message = confirmation.message
    assert confirmation.rcpt_tos == [booking.person.email]
    assert message["To"] == booking.person.email
    assert message["From"] == SENDER
    assert message["Reply-To"] == MAILBOX
    assert message["Subject"].startswith("You have a place: ")
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Hello Alex Example" in confirmation.text()
    assert "Hello Alex Example" in confirmation.html()
    assert "https://training.example.org/b/" in confirmation.text()
    assert "Friday 27 March 2026, 9:30am to 4:30pm" in confirmation.text()

    invitations = _invitations(to_person)
    assert len(invitations) == 2
    uids = set()
    for received in invitations:
        assert received.part("text/plain") is not None
        assert received.part("text/html") is not None
        mime_method, calendar = received.invitation()
        assert mime_method == calendar["METHOD"] == "REQUEST"
        assert received.calendar_parts()[0].get_param("charset") == "UTF-8"
        assert len(calendar.events) == 1
        uids.add(str(calendar.events[0]["UID"]))
    assert uids == {
        f"booking-{booking.id}-day-1@cumbria.gov.uk",
        f"booking-{booking.id}-day-2@cumbria.gov.uk",
    }


def test_invited_times_are_right_either_side_of_the_clock_change(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)
    send_all()
    starts = sorted(
        r.invitation()[1].events[0].start.astimezone(UTC)
        for r in _invitations(smtp.to(booking.person.email))
    )
    assert starts == [
        datetime(2026, 3, 27, 9, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 8, 30, tzinfo=UTC),
    ]


def test_the_training_mailbox_gets_a_separate_copy(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)
    send_all()
    [copy] = smtp.to(MAILBOX)
    assert copy.rcpt_tos == [MAILBOX]
    assert copy.message["To"] == MAILBOX
    assert booking.person.email not in copy.message["To"]
    assert copy.message["Subject"].startswith("Copy: You have a place")
    assert booking.person.email in copy.text()
    assert "Hello Alex Example" in copy.text()
    assert not copy.calendar_parts()
    assert "/b/" not in copy.text() and "/b/" not in copy.html()
    assert "https://training.example.org/coordinator" in copy.text()
    for received in smtp.to(booking.person.email):
        assert received.rcpt_tos == [booking.person.email]
        assert MAILBOX not in (received.message["To"] + (received.message["Cc"] or ""))


def test_a_change_sends_the_same_uids_with_a_higher_sequence(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)
    send_all()
    before = _sequence_by_uid(smtp.received)
    smtp.handler.reset()

    course = booking.course
    old_days = days_of(course)
    course.days[1].starts_at = course.days[1].starts_at.replace(hour=10)
    change = change_to(course, old_days=old_days)
    committed(emails.course_changed, course, [booking], change=change, now=NOW + timedelta(days=1))
    send_all(now=NOW + timedelta(days=1))

    after = {}
    for received in _invitations(smtp.to(booking.person.email)):
        method, calendar = received.invitation()
        assert method == calendar["METHOD"] == "REQUEST"
        after[str(calendar.events[0]["UID"])] = calendar.events[0]
    assert set(after) == set(before)
    for uid, event in after.items():
        assert event["SEQUENCE"] > before[uid]
    day_two = after[f"booking-{booking.id}-day-2@cumbria.gov.uk"]
    assert day_two.start.astimezone(UTC) == datetime(2026, 3, 30, 9, 30, tzinfo=UTC)  # 10:30 BST
    [summary] = smtp.to(MAILBOX)
    assert booking.person.email in summary.text()


def test_a_cancellation_cancels_the_original_uids(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)
    send_all()
    originals = _sequence_by_uid(smtp.received)
    smtp.handler.reset()

    booking.status = BookingStatus.CANCELLED
    committed(emails.booking_cancelled, booking, now=NOW + timedelta(days=2))
    send_all(now=NOW + timedelta(days=2))

    received = smtp.to(booking.person.email)
    assert len(_plain(received)) == 1
    assert _plain(received)[0].message["Subject"].startswith("Your booking is cancelled")
    cancelled = {}
    for message in _invitations(received):
        method, calendar = message.invitation()
        assert method == calendar["METHOD"] == "CANCEL"
        assert message.calendar_parts()[0].get_content_type() == "text/calendar"
        assert len(calendar.events) == 1
        event = calendar.events[0]
        assert event["STATUS"] == "CANCELLED"
        cancelled[str(event["UID"])] = event["SEQUENCE"]
    assert set(cancelled) == set(originals)
    assert all(cancelled[uid] > originals[uid] for uid in originals)
    assert len(smtp.to(MAILBOX)) == 1


def test_going_back_to_the_waitlist_removes_the_calendar_entries(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)
    send_all()
    smtp.handler.reset()
    booking.status = BookingStatus.WAITLISTED
    committed(emails.waitlisted, booking, now=NOW, position=2)
    send_all()
    received = smtp.to(booking.person.email)
    assert [r.invitation()[0] for r in _invitations(received)] == ["CANCEL", "CANCEL"]
    assert "number 2 in the queue" in _plain(received)[0].text()


def test_someone_who_never_had_invitations_gets_no_cancellations(mail_app, make, smtp):
    course = make.course()
    booking = make.booking(course, status=BookingStatus.WAITLISTED)
    committed(emails.waitlisted, booking, now=NOW, position=1)
    booking.status = BookingStatus.CANCELLED
    committed(emails.booking_cancelled, booking, now=NOW)
    send_all()
    assert not _invitations(smtp.received)


def test_a_move_cancels_the_old_days_and_invites_to_the_new(mail_app, make, smtp):
    old = _confirmed(make)
    committed(emails.place_confirmed, old, now=NOW)
    send_all()
    old_uids = {str(r.invitation()[1].events[0]["UID"]) for r in _invitations(smtp.received)}
    smtp.handler.reset()

    new_course = make.course(DAY_AFTER_CLOCKS_CHANGE + timedelta(days=7))
    old.status = BookingStatus.MOVED
    new = make.booking(new_course, old.person, status=BookingStatus.CONFIRMED)
    committed(emails.booking_moved, old, new, now=NOW)
    send_all()

    received = smtp.to(old.person.email)
    by_method: dict[str, set[str]] = {"REQUEST": set(), "CANCEL": set()}
    for message in _invitations(received):
        method, calendar = message.invitation()
        assert method == calendar["METHOD"]
        by_method[method].add(str(calendar.events[0]["UID"]))
    assert by_method["CANCEL"] == old_uids
    assert by_method["REQUEST"] == {
        f"booking-{new.id}-day-1@cumbria.gov.uk",
        f"booking-{new.id}-day-2@cumbria.gov.uk",
    }
    [moved] = _plain(received)
    assert moved.message["Subject"] == "Your place has moved to 6 April 2026"


def test_an_offer_has_accept_and_decline_links_and_when_it_ends(mail_app, make, smtp):
    course = make.course()
    booking = make.booking(
        course,
        status=BookingStatus.OFFERED,
        offer_expires_at=datetime(2026, 1, 7, 17, 0, tzinfo=UTC),
    )
    committed(emails.place_offered, booking, now=NOW)
    send_all()
    [offer] = smtp.to(booking.person.email)
    text = offer.text()
    assert "?answer=accept" in text and "?answer=decline" in text
    assert "5pm on Wednesday 7 January 2026" in text
    assert not offer.calendar_parts()


def test_html_never_carries_what_a_person_typed_unescaped(mail_app, make, smtp):
    booking = _confirmed(make, full_name='Sam <script>alert("x")</script> Smith')
    committed(emails.place_confirmed, booking, now=NOW)
    send_all()
    for received in smtp.received:
        html = received.html()
        assert "<script>" not in html
    [confirmation] = _plain(smtp.to(booking.person.email))
    assert "Sam &lt;script&gt;" in confirmation.html()


def test_subjects_and_calendars_never_hold_personal_details(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)
    committed(composing.reminder, booking, now=NOW, days_before=7)
    booking.status = BookingStatus.CANCELLED
    committed(emails.booking_cancelled, booking, now=NOW)
    send_all()
    assert len(smtp.received) >= 8
    for received in smtp.received:
        subject = received.message["Subject"]
        assert "Alex" not in subject and booking.person.email not in subject
        assert "hearing loop" not in received.raw.decode("utf-8", "replace")
        assert "hearing loop" not in received.text() + received.html()


def test_no_mail_exists_when_the_change_rolls_back(mail_app, make):
    booking = _confirmed(make)

    @transactional
    def confirm_then_fail():
        emails.place_confirmed(booking, now=NOW)
        raise RuntimeError("the booking change failed")

    with pytest.raises(RuntimeError):
        confirm_then_fail()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_message_ids_come_from_the_outbox_row(mail_app, make, smtp):
    booking = _confirmed(make)
    committed(emails.place_confirmed, booking, now=NOW)
    send_all()
    ids = {r.message_id for r in smtp.received}
    expected = {f"<outbox-{row.id}-20260105090000@cumbria.gov.uk>" for row in rows()}
    assert ids == expected
