"""The real-shaped corpus of issue 23 (tests/mailbox/corpus), read through the mailbox
service: each message is sorted, its sender's own words kept, quotes and signatures left
out, its course found and a bounce's failed address noted, as the corpus says.

The clock says 5 January 2026; the courses are those of conftest.py.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from booking.extensions import db
from booking.mail.inbound.parsing import parse_message
from booking.mail.inbound.quotes import strip_quotes_and_signature
from booking.mail.inbound.understanding import find_dates
from booking.models import InboundOutcome, OutboxStatus
from booking.services.mailbox import ingest

from .conftest import outbox_rows
from .corpus import CASES
from .corpus.authentication import AUTH_CASES
from .corpus.dates import CALENDAR, DATE_CASES, NOW, RELATIVE_CASES

PEOPLE = [c for c in CASES if c.reason is None]
AUTOMATIC = [c for c in CASES if c.reason is not None]


def test_the_corpus_has_every_shape_the_issue_asks_for():
    assert len(CASES) >= 40
    assert len([c for c in CASES if c.reason == "bounce"]) >= 5
    clients = " ".join(c.client for c in CASES)
    for client in ("Outlook for Windows", "Outlook on the web", "phone", "Gmail", "Apple Mail"):
        assert client in clients
    assert "NHSmail" in clients and "Exchange" in clients


@pytest.mark.parametrize("case", PEOPLE, ids=lambda c: c.name)
def test_a_persons_message_keeps_their_words_and_finds_their_course(case, courses, config, clock):
    if case.now:
        clock.set(datetime.fromisoformat(case.now))
    message = ingest(case.raw, now=clock(), config=config).message
    # What the sender wrote now (a forward's stored text also holds the forwarded message).
    own_words = parse_message(case.raw).new_text

    assert message.outcome != InboundOutcome.IGNORED
    for words in case.keeps:
        assert words in own_words and words in message.body_text
    for words in case.drops:
        assert words not in own_words
    if case.course:
        assert message.understanding["course_ids"] == [courses[case.course].id]
    if case.guess:
        assert case.guess in message.understanding["guesses"]


@pytest.mark.parametrize("case", AUTOMATIC, ids=lambda c: c.name)
def test_an_automatic_message_is_recorded_and_never_answered(case, courses, config, clock):
    message = ingest(case.raw, now=clock(), config=config).message

    assert message.outcome == InboundOutcome.IGNORED
    assert parse_message(case.raw).reason == case.reason
    assert outbox_rows() == []


@pytest.mark.parametrize("case", [c for c in CASES if c.bounced], ids=lambda c: c.name)
def test_a_bounce_names_the_addresses_that_failed_for_good(case):
    assert parse_message(case.raw).bounced_to == case.bounced


def test_a_plain_text_bounce_marks_the_person_we_wrote_to(make, config, clock):
    """Exim and qmail send no delivery report part: only flufl.bounce finds the address."""
    [exim] = [c for c in CASES if c.name == "exim_plain_text_bounce"]
    person = make.person(email="lee.park@example.net")
    row = _reminder(make, person, clock)
    row.status = OutboxStatus.SENT
    db.session.commit()

    ingest(exim.raw, now=clock(), config=config)

    db.session.refresh(person)
    assert person.email_bounced_at == clock()


def _reminder(make, person, clock):
    from booking.mail.outbound import composing

    booking = make.booking(make.course(date(2026, 3, 2)), person)
    row = composing.reminder(booking, now=clock(), days_before=7)
    db.session.commit()
    return row


@pytest.mark.parametrize(("text", "expected"), DATE_CASES, ids=[t for t, _ in DATE_CASES])
def test_dates_written_in_a_request_are_read_day_first(text, expected):
    found = [d for d in find_dates(text, now=NOW) if d in CALENDAR]
    assert found == list(expected)


@pytest.mark.parametrize(("text", "now", "expected"), RELATIVE_CASES, ids=lambda v: str(v))
def test_dates_said_relative_to_today_are_read(text, now, expected):
    """Days said as "next Tuesday" or "the 12th", which our own patterns did not read."""
    assert [d for d in find_dates(text, now=now) if d in CALENDAR] == list(expected)


@pytest.mark.parametrize(("header", "domain", "passed"), AUTH_CASES)
def test_dmarc_results_are_read_as_the_corpus_says(header, domain, passed):
    from booking.mail.inbound.authentication import dmarc_passed

    assert dmarc_passed([header], authserv_id="mx.cumbria.gov.uk", domain=domain) is passed


# --- our own rules kept where no library covers the case ------------------------------------


def test_a_list_written_with_dashes_is_not_a_signature():
    """mail-parser-reply takes a line starting "- " for a signature and cuts the rest."""
    text = (
        "Could you book me on 10 March, or one of:\n- the Barrow course\n- October\n\nThanks,\nVal"
    )
    assert strip_quotes_and_signature(text)[0] == (
        "Could you book me on 10 March, or one of:\n- the Barrow course\n- October"
    )


def test_thanks_in_the_middle_of_a_sentence_is_not_a_signature():
    """mail-parser-reply cuts everything from a line starting "Thanks,"."""
    text = "Hello,\n\nThanks, that's great - please book me onto 14 April.\n\nIan"
    assert "book me onto 14 April" in strip_quotes_and_signature(text)[0]


def test_the_nhsmail_footer_and_the_signature_above_it_are_left_out():
    """No library knows the row of asterisks NHSmail puts between a signature and its
    footer; neither quotequail nor mail-parser-reply removes the footer and signature."""
    [nhs] = [c for c in CASES if c.name == "nhsmail_request_with_footer"]
    new = parse_message(nhs.raw).new_text
    assert new == ("Hello,\n\nPlease could you book me a place on the 10 March course in Carlisle.")


def test_a_phone_signature_line_above_the_quote_is_left_out():
    """quotequail keeps "Sent from my iPhone" above the quoted message: our rule removes it."""
    text = "6th October please\n\nSent from my iPhone\n\n> On 2 Jan 2026, at 15:02, X <x@y> wrote:\n> hi"
    assert strip_quotes_and_signature(text)[0] == "6th October please"


def test_a_reply_quoting_a_long_thread_is_read_quickly():
    """quotequail's time grows with the square of the quoted lines: it is given the start."""
    import time

    text = (
        "Book me on 14 April.\n\nOn Fri, 2 Jan 2026 at 15:02, X <x@y> wrote:\n"
        + "> earlier\n" * 20000
    )
    started = time.perf_counter()
    new, removed = strip_quotes_and_signature(text)
    assert time.perf_counter() - started < 2
    assert new == "Book me on 14 April."
    assert removed.count("earlier") == 20000


def test_if_quotequail_changes_the_words_it_keeps_they_are_still_kept(monkeypatch):
    """The cut is made after quotequail's kept text; if that is not found in the message,
    its words are still kept rather than the sender's message lost."""
    from booking.mail.inbound import quotes

    monkeypatch.setattr(
        quotes.quotequail,
        "unwrap",
        lambda text: {"type": "reply", "text_top": "Book me on 14 April", "text": "earlier"},
    )
    new, _ = strip_quotes_and_signature("Book  me on 14 April\nOn x wrote:\n> earlier")
    assert new == "Book me on 14 April"
