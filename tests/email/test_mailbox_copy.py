"""The training mailbox's copies, and replies to the mailbox, as they arrive over SMTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from booking.extensions import db
from booking.mail.outbound import replies
from booking.models import BookingStatus, InboundMessage, InboundOutcome
from booking.services import emails

from .conftest import MAILBOX
from .helpers import NOW, send_all

SITE = "https://training.example.org"
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "source", "wbr"}


class _Document(HTMLParser):
    """Checks that every element is closed in order, and counts the document-level tags."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.counts = {"html": 0, "head": 0, "body": 0, "doctype": 0}

    def handle_decl(self, decl):
        if decl.lower().startswith("doctype"):
            self.counts["doctype"] += 1

    def handle_starttag(self, tag, attrs):
        if tag in self.counts:
            self.counts[tag] += 1
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def assert_one_well_formed_document(html: str) -> None:
    document = _Document()
    document.feed(html)
    document.close()
    assert document.problems == []
    assert document.open == [], f"left open: {document.open}"
    assert document.counts == {"html": 1, "head": 1, "body": 1, "doctype": 1}


def _confirmed(make):
    return make.booking(make.course(), status=BookingStatus.CONFIRMED)


def _copy(smtp):
    [copy] = smtp.to(MAILBOX)
    return copy


def test_the_mailbox_copy_is_one_well_formed_html_document(mail_app, make, smtp):
    booking = _confirmed(make)
    emails.place_confirmed(booking, now=NOW)
    db.session.commit()
    send_all()

    html = _copy(smtp).html()
    assert_one_well_formed_document(html)
    assert "This is a copy for the training team" in html
    assert "You have a place on" in html  # the original's words, inside the one document


def test_links_in_the_mailbox_copy_go_to_the_bookings_own_coordinator_page(mail_app, make, smtp):
    booking = make.booking(
        make.course(),
        status=BookingStatus.OFFERED,
        offer_expires_at=datetime(2026, 1, 7, 17, tzinfo=UTC),
    )
    emails.place_offered(booking, now=NOW)  # accept, decline and manage links
    db.session.commit()
    send_all()

    copy = _copy(smtp)
    own_page = f"{SITE}/coordinator/bookings/{booking.id}"
    for body in (copy.text(), copy.html()):
        assert "/b/" not in body
        links = re.findall(rf"{re.escape(SITE)}[^\s\"'<>]*", body)
        assert len(links) >= 2 and set(links) == {own_page}, links


def test_the_calendar_link_reply_says_reply_to_this_email_once(mail_app, make, smtp):
    inbound = InboundMessage(
        fingerprint="mid:question@example.org",
        sender="jo@nhs.net",
        subject="Dates please",
        outcome=InboundOutcome.TRIAGE,
        understanding={"name": "Jo"},
    )
    db.session.add(inbound)
    replies.mailbox_calendar_link(inbound, f"{SITE}/courses", now=NOW)
    db.session.commit()
    send_all()

    [reply] = smtp.to("jo@nhs.net")
    assert reply.text().lower().count("reply to this email") == 1
    assert reply.html().lower().count("reply to this email") == 1
