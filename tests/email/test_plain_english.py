"""Every email template, and every email it makes, is free of jargon and abbreviations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from booking.extensions import db
from booking.mail.outbound import composing, replies
from booking.models import BookingStatus, EmailLink, InboundMessage, InboundOutcome, Role
from booking.services import emails
from booking.services.reminders import queue_due_reminders
from booking.time_limits import SIGN_IN_LINK_LIFETIME

from .helpers import NOW, change_to, days_of, rows

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"

#: Abbreviations are matched as whole words with their case; phrases in any case.
ABBREVIATIONS = ["SoS", "LA", "LADO", "CP", "CIN", "LSCB", "CSCP", "MASH", "TAC", "CPP", "LAC"]
PHRASES = ["service user", "service users"]


def jargon_in(text: str) -> list[str]:
    found = [word for word in ABBREVIATIONS if re.search(rf"(?<![\w-]){word}(?![\w-])", text)]
    found += [p for p in PHRASES if re.search(rf"\b{p}\b", text, re.IGNORECASE)]
    return found


def test_the_jargon_check_itself_catches_what_it_should():
    assert jargon_in("Speak to the LADO") == ["LADO"]
    assert jargon_in("our Service User forum") == ["service user"]
    assert jargon_in("Kendal LA9 4DL, a CPD day, the SoSs") == []


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.*")), ids=lambda p: p.name)
def test_no_email_template_uses_jargon(path):
    assert jargon_in(path.read_text()) == []


def test_every_message_has_a_text_and_an_html_template():
    kinds = {p.stem for p in TEMPLATES.glob("*.*") if not p.stem.startswith("_")}
    for kind in kinds:
        assert (TEMPLATES / f"{kind}.txt").exists(), kind
        assert (TEMPLATES / f"{kind}.html").exists(), kind


def write_every_email(make) -> list:
    """Compose every kind of email we send, with realistic details; the outbox rows."""
    course = make.course()
    person = make.person(full_name="Jo Example")
    booking = make.booking(course, person, status=BookingStatus.CONFIRMED)
    offered = make.booking(
        make.course(),
        status=BookingStatus.OFFERED,
        offer_expires_at=datetime(2026, 1, 7, 17, tzinfo=UTC),
    )
    emails.confirm_your_email("new@nhs.net", course, "token", now=NOW, expires_at=NOW)
    person.line_manager_email = "manager@cumbria.gov.uk"
    emails.place_confirmed(booking, now=NOW)  # with the line manager's copy
    waiting = make.booking(
        course, person, status=BookingStatus.AWAITING_APPROVAL,
        approval_expires_at=datetime(2026, 1, 12, 9, tzinfo=UTC),
    )  # fmt: skip
    emails.approval_requested(waiting, "token", now=NOW)
    emails.approval_refused(waiting, now=NOW, lapsed=True)
    emails.waitlisted(booking, now=NOW, position=1)
    emails.place_offered(offered, now=NOW)
    emails.offer_ended(offered, now=NOW)
    emails.booking_cancelled(booking, now=NOW)
    composing.reminder(booking, now=NOW, days_before=7)
    composing.course_completed(booking, now=NOW)
    composing.course_completed(
        booking, now=NOW, feedback_closes_at=NOW, certificate=("certificate.pdf", b"%PDF-1.7")
    )
    composing.course_not_completed(booking, now=NOW, missed_days=[1, 2])
    booking.status = BookingStatus.MOVED
    db.session.commit()
    new = make.booking(make.course(), person, status=BookingStatus.CONFIRMED)
    emails.booking_moved(booking, new, now=NOW)
    old_days = days_of(course)
    course.days[1].starts_at = course.days[1].starts_at.replace(hour=10)
    course.days[0].date = course.days[0].date.replace(day=1)
    change = change_to(course, old_days=old_days, old_venue="Carlisle Library, Globe Lane, CA3 8NX")
    emails.course_changed(course, [booking], change=change, now=NOW)
    emails.course_cancelled(course, [booking], now=NOW)
    composing.sign_in_link(
        "jo@nhs.net", "http://localhost/sign-in/token", now=NOW, lifetime=SIGN_IN_LINK_LIFETIME
    )
    inbound = InboundMessage(
        fingerprint="test-message",
        sender="jo@nhs.net",
        outcome=InboundOutcome.TRIAGE,
        understanding={},
    )
    db.session.add(inbound)
    replies.mailbox_booking_link(inbound, "http://localhost/confirm/token", course, now=NOW)
    replies.mailbox_cancel_link(inbound, "http://localhost/cancel/token", booking, now=NOW)
    replies.mailbox_acknowledgement(inbound, now=NOW)
    replies.mailbox_cannot_book(
        inbound,
        reason="You need to complete the introductory course before booking this course. Its next dates: 2 March 2026 in Carlisle.",
        now=NOW,
    )
    replies.mailbox_calendar_link(inbound, "http://localhost/courses", now=NOW)
    replies.mailbox_manager_approval_needed(
        inbound, "http://localhost/courses/1/book", course, now=NOW
    )
    replies.mailbox_too_large(inbound, limit="5.0 megabytes", now=NOW)
    replies.mailbox_link_reminder(
        inbound,
        EmailLink(created_at=NOW, expires_at=NOW + timedelta(hours=24)),
        course,
        link_subject="Re: Training",
        now=NOW,
    )
    replies.mailbox_booking_link_for_named_person(
        "tom@nhs.net", "Tom Newman", "http://localhost/confirm/token", course, now=NOW
    )
    trainer = make.coordinator(role=Role.TRAINER, full_name="Tess Trainer")
    db.session.commit()
    briefed = make.course()
    briefed.trainer_accounts.append(trainer)
    db.session.commit()
    queue_due_reminders(now=datetime(2026, 2, 23, 9, 30, tzinfo=UTC))  # the trainer briefing
    return rows()


def test_no_email_we_send_uses_jargon(app, make):
    sent = write_every_email(make)
    kinds = {row.kind for row in sent}
    templates = {p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")}
    assert kinds == templates - {"mailbox_summary"} | {"mailbox_copy"}
    for row in sent:
        for text in (row.subject, row.text_body, row.html_body):
            assert jargon_in(text) == [], (row.kind, text)
