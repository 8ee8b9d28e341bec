"""A booking writes its emails as "to compose" rows under the course lock and the sender
renders them (issue 16): if the booking commits, each message is sent exactly once, even
when the sender stops between rendering and storing, or between claiming and rendering,
and is started again; if the booking rolls back, nothing is sent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.mail.outbound import later
from booking.models import Booking, BookingStatus, Group, OutboxMessage, OutboxStatus
from booking.services import outbox, requests
from booking.services.db import transactional

from .conftest import MAILBOX
from .helpers import rows, send_all

#: Before the default course's release date and cut-off (see tests/factories.py).
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class ProcessStopped(BaseException):
    """Stands for the process being killed at that point: nothing after it runs, and no
    `except Exception` catches it."""


def _stop_the_process(monkeypatch, module, name: str) -> None:
    def stopped(*_args, **_kwargs):
        raise ProcessStopped()

    monkeypatch.setattr(module, name, stopped)


def _book(make, course, group=Group.STAFF) -> int:
    person = make.person(group)
    return requests.book_place(course, person, actor="test", now=NOW).id


def _received_for(smtp, address: str) -> list:
    return [m for m in smtp.received if address in m.rcpt_tos]


@pytest.mark.parametrize("full", [False, True], ids=["place", "waitlist"])
def test_a_committed_booking_is_sent_once_when_the_sender_stops_while_composing(
    mail_app, make, smtp, monkeypatch, full
):
    course = make.course(total_places=1, partner_places=0)
    if full:
        _book(make, course)
        send_all(now=NOW)
        smtp.handler.reset()

    # The booking commits its messages as rows still to be composed, and does no more.
    booking_id = _book(make, course)
    booking = db.session.get_one(Booking, booking_id)
    expected = BookingStatus.WAITLISTED if full else BookingStatus.CONFIRMED
    assert booking.status == expected
    waiting = rows(booking_id=booking_id)
    # Waitlisted: their email and the mailbox's copy; a place: also an invitation per day.
    assert len(waiting) == (2 if full else 4)
    assert all(row.compose is not None and row.text_body == "" for row in waiting)
    address = booking.person.email

    # The sender stops after rendering, before it stores what it rendered: nothing changes.
    with monkeypatch.context() as patch:
        _stop_the_process(patch, outbox, "_store_rendered")
        with pytest.raises(ProcessStopped):
            send_all(now=NOW)
    db.session.rollback()
    assert all(row.compose is not None for row in rows(booking_id=booking_id))

    # It stops after claiming them, while rendering the first (composing before the claim
    # is stopped too, so the claim meets them unrendered): nothing is sent, the claim is
    # undone.
    with monkeypatch.context() as patch:
        _stop_the_process(patch, outbox, "compose_waiting")
        with pytest.raises(ProcessStopped):
            send_all(now=NOW)
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "compose_waiting", lambda **_kwargs: 0)
        _stop_the_process(patch, later, "render")
        with pytest.raises(ProcessStopped):
            send_all(now=NOW)
    db.session.rollback()
    assert not smtp.received
    assert {row.status for row in rows(booking_id=booking_id)} == {OutboxStatus.PENDING}

    # Started again, the sender renders and sends each message once.
    summary = send_all(now=NOW)
    assert summary.sent == len(waiting), summary
    assert send_all(now=NOW).claimed == 0
    assert len(smtp.received) == len(waiting)
    assert len({m.message_id for m in smtp.received}) == len(waiting)
    subjects = Counter(m.message["Subject"].split(":")[0] for m in smtp.received)
    if full:
        assert subjects == {"You are on the waitlist": 1, "Copy": 1}
    else:
        assert subjects == {"You have a place": 1, "Calendar invitation": 2, "Copy": 1}
    assert len(_received_for(smtp, address)) == len(waiting) - 1
    assert len(_received_for(smtp, MAILBOX)) == 1
    assert all(row.compose is None for row in rows(booking_id=booking_id))


def test_the_sender_composes_before_it_claims(mail_app, make, smtp):
    course = make.course()
    booking_id = _book(make, course)
    written = rows(booking_id=booking_id)
    assert [row.kind for row in written] == [
        "place_confirmed",
        "calendar_invite",
        "calendar_invite",
        "mailbox_copy",
    ]
    assert all(row.compose is not None and not row.text_body for row in written)
    assert outbox.compose_waiting(now=NOW) == 4
    composed = rows(booking_id=booking_id)
    assert all(row.compose is None and row.text_body for row in composed)
    assert all(row.status == OutboxStatus.PENDING for row in composed)
    assert "You have a place" in composed[0].subject
    assert outbox.compose_waiting(now=NOW) == 0  # nothing is composed twice
    assert send_all(now=NOW).sent == 4
    assert len(smtp.received) == 4


def test_a_booking_that_rolls_back_sends_nothing(mail_app, make, smtp):
    course = make.course()
    person = make.person(Group.STAFF)

    @transactional
    def book_then_fail() -> None:
        requests.book_place(course, person, actor="test", now=NOW)
        raise RuntimeError("something after the booking failed")

    with pytest.raises(RuntimeError):
        book_then_fail()
    assert db.session.scalar(select(func.count(Booking.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert send_all(now=NOW).claimed == 0
    assert not smtp.received


def test_a_message_that_cannot_be_composed_fails_for_a_coordinator_to_see(
    mail_app, make, smtp, monkeypatch
):
    course = make.course()
    _book(make, course)
    # The course day an invitation was for is gone before anyone rendered it.
    [day] = [d for d in course.days if d.day_number == 2]
    db.session.delete(day)
    db.session.commit()

    summary = send_all(now=NOW)
    assert summary.sent == 3 and summary.failed == 0, summary  # the others still go
    [failed] = rows(status=OutboxStatus.FAILED)
    assert failed.kind == "calendar_invite"
    assert failed.last_error == "Could not write this message (LookupError)."
    assert len(smtp.received) == 3


def test_the_waitlist_email_gives_the_number_when_it_is_written(mail_app, make, smtp):
    course = make.course(total_places=1, partner_places=0)
    _book(make, course)  # the one place
    first = _book(make, course)
    second = _book(make, course)
    second_address = db.session.get_one(Booking, second).person.email
    # The first person waiting leaves before the sender writes the emails.
    db.session.get_one(Booking, first).status = BookingStatus.CANCELLED
    db.session.commit()

    send_all(now=NOW)
    [email] = [m for m in _received_for(smtp, second_address) if "waitlist" in m.message["Subject"]]
    assert "number 1 in the queue" in email.text()
