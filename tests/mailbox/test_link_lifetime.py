"""Replies from the training mailbox say the limits in booking/time_limits.py, and the links
in them work for as long as they say."""

from __future__ import annotations

from datetime import timedelta

from booking import time_limits
from booking.services.mailbox import ingest

from .conftest import link_from, message_bytes, outbox_rows


def test_a_link_sent_from_the_mailbox_works_as_long_as_the_reply_says(
    courses, config, clock, monkeypatch
):
    monkeypatch.setattr(time_limits, "MAILBOX_LINK_LIFETIME", timedelta(hours=6))
    ingest(message_bytes("outlook_request.eml"), now=clock(), config=config)
    [reply] = outbox_rows()
    _url, link = link_from(reply)
    assert link.expires_at == clock() + timedelta(hours=6)
    assert "The link works once, for 6 hours." in reply.text_body
    assert "The link works once, for 6 hours." in reply.html_body


def test_the_acknowledgement_promises_the_reply_time_set(courses, config, clock, monkeypatch):
    monkeypatch.setattr(time_limits, "MAILBOX_REPLY_WORKING_DAYS", 3)
    ingest(message_bytes("forward.eml"), now=clock(), config=config)
    [reply] = outbox_rows()
    assert reply.kind == "mailbox_acknowledgement"
    assert "usually within 3 working days" in reply.text_body
    assert "usually within 3 working days" in reply.html_body
