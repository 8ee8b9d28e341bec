"""Every message goes over SMTP with no line longer than 998 octets and in 7-bit form,
however long or un-English the names, addresses and lists in it (RFC 5321 4.5.3.1.6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from booking.extensions import db
from booking.mail.outbound import composing, replies
from booking.mail.outbound.sending import SmtpTransport
from booking.models import BookingStatus, EmailLink, InboundMessage, InboundOutcome, Role
from booking.services import emails
from booking.services.outbox import Outgoing, PermanentFailure
from booking.services.reminders import queue_due_reminders
from booking.time_limits import SIGN_IN_LINK_LIFETIME

from .conftest import MAILBOX
from .helpers import NOW, change_to, days_of, rows, send_all

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
LONGEST_LINE = 998
PEOPLE = 60


def _long_name(n: int) -> str:
    name = f"Siobhán Ní Bhriain-Øvergård Željko Müller-Lüdenscheidt {n} "
    return (name * 4)[:190].strip()


def _course_of_sixty(make):
    venue = make.venue(
        "Pen-y-bont ar Ogwr",
        name="Canolfan Hyfforddi Ysgol Gymraeg Bro Ogwr – Ystafell Fawr, Llawr Cyntaf",
        address="Heol y Frenhines Ëlisabeth\nParc Busnes Gorllewinol\nSgwâr Canolog",
    )
    course = make.course(date(2026, 3, 2), total_places=PEOPLE + 5, venue_obj=venue)
    bookings = []
    for n in range(PEOPLE):
        email = f"a-very-long-mailbox-name-for-a-social-worker-{n}@westmorlandandfurness.gov.uk"
        person = make.person(email=email, full_name=_long_name(n))
        bookings.append(make.booking(course, person, status=BookingStatus.CONFIRMED))
    return course, bookings


def _queue_every_kind(make, course, bookings):
    """One of each message the service sends, for people on the course of sixty."""
    first, second, third = bookings[0], bookings[1], bookings[2]
    offered = make.booking(
        course,
        make.person(full_name=_long_name(99)),
        status=BookingStatus.OFFERED,
        offer_expires_at=datetime(2026, 1, 7, 17, tzinfo=UTC),
    )
    emails.confirm_your_email(first.person.email, course, "token", now=NOW, expires_at=NOW)
    first.person.line_manager_email = "a-very-long-line-manager-name@westmorlandandfurness.gov.uk"
    emails.place_confirmed(first, now=NOW)  # with the line manager's copy
    waiting = make.booking(
        course, first.person, status=BookingStatus.AWAITING_APPROVAL,
        approval_expires_at=datetime(2026, 1, 12, 9, tzinfo=UTC),
    )  # fmt: skip
    emails.approval_requested(waiting, "token", now=NOW)
    emails.approval_refused(waiting, now=NOW, lapsed=False)
    emails.waitlisted(second, now=NOW, position=1)
    emails.place_offered(offered, now=NOW)
    emails.offer_ended(offered, now=NOW)
    emails.booking_cancelled(second, now=NOW)
    composing.reminder(first, now=NOW, days_before=7)
    composing.course_completed(first, now=NOW)
    composing.course_not_completed(first, now=NOW, missed_days=[1, 2], next_courses=[course])
    third.status = BookingStatus.MOVED
    moved_to = make.booking(make.course(date(2026, 4, 6)), third.person)
    emails.booking_moved(third, moved_to, now=NOW)
    old_days = days_of(course)
    course.days[1].starts_at = course.days[1].starts_at.replace(hour=11)
    change = change_to(course, old_days=old_days, old_venue="Ÿr Hen Gapel – " * 40)
    emails.course_changed(course, bookings, change=change, now=NOW)
    emails.course_cancelled(course, bookings, now=NOW)
    composing.sign_in_link(
        first.person.email, "https://x.example/sign-in/t", now=NOW, lifetime=SIGN_IN_LINK_LIFETIME
    )
    inbound = InboundMessage(
        fingerprint="mid:long-lines@example.org",
        sender=first.person.email,
        subject="Dyddiadau hyfforddiant – " + "ä" * 200,
        outcome=InboundOutcome.TRIAGE,
        understanding={"name": _long_name(7)},
    )
    db.session.add(inbound)
    replies.mailbox_booking_link(inbound, "https://x.example/confirm/t", course, now=NOW)
    replies.mailbox_cancel_link(inbound, "https://x.example/cancel/t", first, now=NOW)
    replies.mailbox_acknowledgement(inbound, now=NOW)
    replies.mailbox_cannot_book(
        inbound,
        reason="You need to complete "
        + "the introductory course " * 20
        + "before booking this course.",
        now=NOW,
    )
    replies.mailbox_calendar_link(inbound, "https://x.example/courses", now=NOW)
    replies.mailbox_manager_approval_needed(
        inbound, "https://x.example/courses/1/book", course, now=NOW
    )
    link = EmailLink(created_at=NOW, expires_at=datetime(2026, 1, 6, 9, tzinfo=UTC))
    replies.mailbox_link_reminder(inbound, link, course, link_subject=inbound.subject, now=NOW)
    replies.mailbox_too_large(inbound, limit="5 megabytes", now=NOW)
    replies.mailbox_booking_link_for_named_person(
        second.person.email, _long_name(8), "https://x.example/confirm/u", course, now=NOW
    )
    trainer = make.coordinator(role=Role.TRAINER, full_name=_long_name(9))
    briefed = make.course(date(2026, 1, 9))  # within the week after NOW
    briefed.trainer_accounts.append(trainer)
    db.session.commit()
    queue_due_reminders(now=NOW)  # the trainer briefing


def test_no_line_of_any_message_is_over_998_octets_for_a_course_of_sixty(mail_app, make, smtp):
    course, bookings = _course_of_sixty(make)
    _queue_every_kind(make, course, bookings)
    queued = rows()
    templates = {p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")}
    kinds = {row.kind for row in queued}
    assert kinds == templates - {"mailbox_summary"} | {"mailbox_copy"}, "a kind is not tested"

    summary = send_all(limit=len(queued))

    assert (summary.sent, summary.failed, summary.retrying) == (len(queued), 0, 0), summary
    assert len(smtp.received) == len(queued)
    for received in smtp.received:
        subject = received.message["Subject"]
        for line in received.raw.split(b"\r\n"):
            assert len(line) <= LONGEST_LINE, (subject, len(line))
        received.raw.decode("ascii")  # 7-bit only: non-ASCII text is encoded, never 8bit
        for part in received.message.walk():
            if part.get_content_maintype() == "text":
                encoding = part["Content-Transfer-Encoding"]
                assert encoding in ("quoted-printable", "base64"), (subject, encoding)


def test_the_summary_of_a_course_of_sixty_lists_everyone_after_encoding(mail_app, make, smtp):
    course, bookings = _course_of_sixty(make)
    emails.course_changed(course, bookings, change=change_to(course), now=NOW)
    db.session.commit()

    assert send_all(limit=500).failed == 0

    [summary] = smtp.to(MAILBOX)
    html, text = summary.html(), summary.text()
    for booking in bookings:
        assert booking.person.full_name in html
        assert booking.person.full_name in text
        assert booking.person.email in text


def test_a_header_too_long_for_any_server_fails_for_good_with_a_plain_reason(mail_app, smtp):
    """Headers are folded at spaces; one long word cannot be, so it is refused before sending."""
    message = Outgoing(
        id=1,
        kind="reminder",
        to_address="person@cumbria.gov.uk",
        reply_to=MAILBOX,
        subject="x" * 1200,
        text_body="Hello",
        html_body="<p>Hello</p>",
        attachments=[],
        created_at=NOW,
        attempts=1,
    )
    with SmtpTransport(mail_app).connect() as connection, pytest.raises(PermanentFailure) as caught:
        connection.send(message)

    assert caught.value.reason == "The message has a line longer than mail servers accept."
    assert smtp.received == []
