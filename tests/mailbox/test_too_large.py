"""A message too large to read: the sender is told plainly (within the reply limits, never
for automatic mail), and the coordinators' list says truthfully who had a reply."""

from __future__ import annotations

from dataclasses import replace

import pytest

from booking.models import InboundOutcome
from booking.services.mailbox import ingest

from .conftest import message_bytes, outbox_rows


def test_the_sender_of_a_message_too_large_to_read_is_told_so(courses, config, clock):
    message = ingest(message_bytes("oversized.eml"), now=clock(), config=config).message

    assert message.outcome == InboundOutcome.REJECTED
    assert message.acknowledged_at == clock()
    [reply] = outbox_rows()
    assert reply.kind == "mailbox_too_large"
    assert reply.to_address == "big.sender@cumberland.gov.uk"
    assert "too large for us to read" in reply.text_body
    assert "20 kilobytes" in reply.text_body  # the limit in force, from the settings
    assert "too large for us to read" in reply.html_body


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: auto-replied", "Return-Path: <>", "Precedence: bulk"],
)
def test_an_automatic_message_too_large_to_read_is_never_answered(header, courses, config, clock):
    raw = message_bytes("oversized.eml").replace(
        b"MIME-Version", header.encode() + b"\nMIME-Version", 1
    )
    message = ingest(raw, now=clock(), config=config).message
    assert message.outcome == InboundOutcome.IGNORED
    assert message.acknowledged_at is None
    assert outbox_rows() == []


def test_the_reply_limit_counts_for_messages_too_large_to_read(courses, config, clock):
    message = ingest(
        message_bytes("oversized.eml"),
        now=clock(),
        config=replace(config, replies_per_sender_per_hour=0),
    ).message
    assert message.outcome == InboundOutcome.REJECTED
    assert message.acknowledged_at is None
    assert outbox_rows() == []
    assert "No reply sent" in " ".join(message.understanding["actions"])


def test_the_list_says_who_had_a_reply_and_who_did_not(coordinator_client, courses, config, clock):
    ingest(message_bytes("oversized.eml"), now=clock(), config=config)
    silent = replace(config, replies_per_sender_per_hour=0)
    raw = (
        b"From: Quiet <quiet@cumberland.gov.uk>\r\nSubject: Parking\r\nMessage-ID: <quiet@x>\r\n"
        b"\r\nIs there parking?\r\n"
    )
    ingest(raw, now=clock(), config=silent)

    page = coordinator_client.get("/coordinator/mailbox").get_data(as_text=True)

    assert "Each sender has had one short reply" not in page
    rows = page.split('<tr class="govuk-table__row">')[2:]
    big = next(row for row in rows if "big.sender@" in row)
    quiet = next(row for row in rows if "quiet@" in row)
    assert "Replied" in big and "No reply" not in big
    assert "No reply" in quiet
