"""Signatures and disclaimers are not kept, and "yes please" in reply to our link email is
pointed back to that link (a new link only when the old one has run out)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.mail.inbound.quotes import strip_quotes_and_signature
from booking.models import EmailLink, InboundOutcome
from booking.services.mailbox import ingest
from booking.services.outbox import outbox_message_id

from .conftest import message_bytes, outbox_rows

DISCLAIMER = (
    "The information in this email is confidential and may be legally privileged. It is "
    "intended solely for the addressee. If you have received this email in error please "
    "tell the sender and delete it."
)


@pytest.mark.parametrize(
    "signature",
    [
        "Kind regards\nJo Bloggs\nFamily Support Worker | Early Help | Cumberland Council | "
        "Tel 01228 000000 | Mobile 07700 900000\n\n" + DISCLAIMER,
        "Jo\n\n" + DISCLAIMER,
        "Jo\n\n" + "*" * 40 + "\nThis message may contain confidential information. If you are "
        "not the intended recipient please inform the sender.\n" + "*" * 40,
        "Thanks\nJo\n\nPlease consider the environment before printing this email.",
    ],
)
def test_common_signatures_and_disclaimers_are_left_out(signature):
    new, removed = strip_quotes_and_signature(f"Please book me on 10 March.\n\n{signature}")
    assert new.strip() in ("Please book me on 10 March.", "Please book me on 10 March.\n\nJo")
    assert "confidential" not in new and "environment" not in new
    assert removed


def test_the_stored_text_has_no_signature_or_disclaimer(courses, config, clock):
    raw = (
        "From: Jo Bloggs <jo.bloggs@cumberland.gov.uk>\r\nSubject: Training\r\n"
        "Message-ID: <sig-1@x>\r\n\r\nIs there parking at Kendal?\r\n\r\nKind regards\r\n"
        "Jo Bloggs\r\nFamily Support Worker | Early Help | Cumberland Council | Tel 01228 000000"
        f" | Mobile 07700 900000\r\n\r\n{DISCLAIMER}\r\n"
    ).encode()
    message = ingest(raw, now=clock(), config=config).message
    assert message.body_text == "Is there parking at Kendal?"


def _yes_reply(
    link_email, *, in_reply_to: bool = True, body: str = "Yes please, book me in."
) -> bytes:
    headers = [
        "From: Jo Bloggs <jo.bloggs@cumberland.gov.uk>",
        f"Subject: RE: {link_email.subject}",  # our link email's subject is "Re: " + theirs
        f"Message-ID: <yes-{in_reply_to}-{len(body)}@cumberland.gov.uk>",
    ]
    if in_reply_to:
        headers.append(f"In-Reply-To: <{outbox_message_id(link_email, domain='cumbria.gov.uk')}>")
    quoted = "\r\n".join("> " + line for line in link_email.text_body.splitlines())
    return ("\r\n".join(headers) + f"\r\n\r\n{body}\r\n\r\n{quoted}\r\n").encode()


@pytest.fixture
def link_email(courses, config, clock):
    ingest(message_bytes("outlook_request.eml"), now=clock(), config=config)
    [row] = outbox_rows()
    db.session.commit()
    return row


def _links() -> int:
    return db.session.scalar(select(func.count(EmailLink.id)))


@pytest.mark.parametrize("in_reply_to", [True, False])
def test_yes_to_our_link_email_points_back_to_the_link(link_email, config, clock, in_reply_to):
    clock.advance(hours=2)
    message = ingest(
        _yes_reply(link_email, in_reply_to=in_reply_to), now=clock(), config=config
    ).message

    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT
    assert _links() == 1  # the old link still works: no new one
    reply = outbox_rows()[-1]
    assert reply.kind == "mailbox_link_reminder"
    assert "link in the email we sent you on Monday 5 January 2026" in reply.text_body
    assert '(subject "Re: Training place")' in reply.text_body
    assert "/confirm/" not in reply.text_body
    assert any("Pointed them back" in a for a in message.understanding["actions"])


def test_yes_after_the_link_ran_out_gets_a_new_link(link_email, config, clock):
    clock.advance(hours=25)
    message = ingest(_yes_reply(link_email), now=clock(), config=config).message

    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT
    assert _links() == 2
    assert outbox_rows()[-1].kind == "mailbox_booking_link"


def test_a_question_in_reply_to_our_link_email_goes_to_a_coordinator(link_email, config, clock):
    body = "Yes please. Is there parking?"
    message = ingest(_yes_reply(link_email, body=body), now=clock(), config=config).message
    assert message.outcome == InboundOutcome.TRIAGE
    assert outbox_rows()[-1].kind == "mailbox_acknowledgement"
