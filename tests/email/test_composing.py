"""The email builder on its own: no Flask app, settings given to it, and invitations that
carry the sequence the sending service set."""

from __future__ import annotations

import ast
import base64
from datetime import timedelta
from pathlib import Path

from flask import has_app_context
from icalendar import Calendar

from booking.mail.outbound import composing, invitations
from booking.services import emails

from .helpers import NOW

MAIL = Path(__file__).resolve().parents[2] / "booking" / "mail"
SETTINGS = composing.MailSettings(
    site_url="https://training.example.net",
    mailbox="training@example.net",
    service_name="Training bookings",
    secret_key="a-key-for-this-test-only",
)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_smtp_adapter_in_booking_mail_uses_flask():
    users = {
        str(path.relative_to(MAIL))
        for path in MAIL.rglob("*.py")
        if {"flask", "flask_mail"} & _imports(path)
    }
    assert users == {"outbound/sending.py"}


def test_an_email_is_written_from_the_settings_given_without_an_app(monkeypatch):
    monkeypatch.setattr(composing, "_settings", None)
    composing.configure(SETTINGS)
    assert not has_app_context()
    text, html = composing.render(
        "sign_in_link",
        url="https://training.example.net/sign-in/abc",
        lifetime=timedelta(minutes=15),
    )
    assert "for 15 minutes" in text
    assert "https://training.example.net/sign-in/abc" in text
    assert "training@example.net" in text and "Training bookings" in text
    assert "<title>Training bookings</title>" in html


def test_building_an_invitation_leaves_the_sequence_to_the_service(app, make):
    booking = make.booking(make.course(), make.person(), invite_sequence=4)
    message = composing.day_invitation(
        booking, booking.course.days[0], method=invitations.REQUEST, now=NOW
    )
    assert booking.invite_sequence == 4
    calendar = Calendar.from_ical(base64.b64decode(message.attachments[0]["data"]))
    assert int(calendar.events[0]["SEQUENCE"]) == 4


def test_the_service_raises_the_sequence_once_for_each_set_of_invitations(app, make):
    booking = make.booking(make.course(), make.person())
    emails.place_confirmed(booking, now=NOW)
    assert booking.invite_sequence == 1
    emails.booking_cancelled(booking, now=NOW)
    assert booking.invite_sequence == 2
