"""Names and organisations taken from the From header (NHSmail and the usual formats), and
partner agency people booked by email asked for their organisation like the web form does."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from booking.extensions import db
from booking.mail.inbound.names import read_display_name
from booking.mail.inbound.parsing import parse_message
from booking.models import Booking, Person
from booking.services.mailbox import ingest

from .conftest import link_from, outbox_rows

NHSMAIL_FROM = (
    '"TAYLOR, Sam (NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST)" <sam.taylor@nhs.net>'
)


def _request(from_header: str, body: str = "Please book me on 10 March.") -> bytes:
    return (
        f"From: {from_header}\r\nTo: SignsOfSafety@cumbria.gov.uk\r\nSubject: Training\r\n"
        f"Message-ID: <name-{abs(hash(from_header))}@x>\r\n\r\n{body}\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("display_name", "name", "organisation", "job_title"),
    [
        (
            "TAYLOR, Sam (NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST)",
            "Sam Taylor",
            "NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST",
            "",
        ),
        ("MCDONALD, Alex (NHS ENGLAND)", "Alex McDonald", "NHS ENGLAND", ""),
        ("O'NEIL, Pat (CUMBRIA POLICE)", "Pat O'Neil", "CUMBRIA POLICE", ""),
        ("SMITH-JONES, Kim", "Kim Smith-Jones", "", ""),
        ("McDonald, Jo", "Jo McDonald", "", ""),
        ("Bloggs, Jo", "Jo Bloggs", "", ""),
        ("Sam Taylor - Health Visitor", "Sam Taylor", "", "Health Visitor"),
        ("Kim Smith-Jones – Social Worker", "Kim Smith-Jones", "", "Social Worker"),
        ("Jo Bloggs", "Jo Bloggs", "", ""),
        ("Jo Bloggs, Health Visitor", "Jo Bloggs, Health Visitor", "", ""),
        ("jo@example.org", "", "", ""),
        ("", "", "", ""),
    ],
)
def test_display_names_in_the_usual_formats(display_name, name, organisation, job_title):
    parts = read_display_name(display_name)
    assert (parts.name, parts.organisation, parts.job_title) == (name, organisation, job_title)


def test_the_address_and_name_of_an_nhsmail_sender_are_read_whole():
    parsed = parse_message(_request(NHSMAIL_FROM))
    assert parsed.sender == "sam.taylor@nhs.net"
    assert parsed.display_name == (
        "TAYLOR, Sam (NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST)"
    )


def test_an_nhsmail_sender_is_greeted_by_name_and_their_organisation_is_kept(
    courses, config, clock
):
    message = ingest(_request(NHSMAIL_FROM), now=clock(), config=config).message

    [reply] = outbox_rows()
    assert reply.text_body.startswith("Hello Sam Taylor,")
    assert message.understanding["name"] == "Sam Taylor"
    _url, link = link_from(reply)
    assert link.details["full_name"] == "Sam Taylor"
    assert link.details["organisation"] == "NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST"


def test_a_partner_who_emailed_is_booked_with_the_organisation_from_their_name(
    client, courses, config, clock
):
    ingest(_request(NHSMAIL_FROM), now=clock(), config=config)
    url, _link = link_from(outbox_rows()[0])

    page = client.get(urlsplit(url).path).get_data(as_text=True)
    assert 'name="organisation"' not in page  # we already know it
    client.post(urlsplit(url).path)

    db.session.rollback()
    person = db.session.scalars(select(Person)).one()
    assert (person.full_name, person.organisation) == (
        "Sam Taylor",
        "NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST",
    )


def test_a_partner_who_emailed_without_an_organisation_is_asked_for_it_before_booking(
    client, courses, config, clock
):
    ingest(_request('"Sam Carter" <sam.carter@nhs.net>'), now=clock(), config=config)
    url, _link = link_from(outbox_rows()[0])
    path = urlsplit(url).path

    page = client.get(path).get_data(as_text=True)
    assert 'name="organisation"' in page

    refused = client.post(path, data={"organisation": "  "})
    assert refused.status_code == 400
    assert "Enter the organisation you work for" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Booking)).first() is None

    client.post(path, data={"organisation": "North Cumbria Integrated Care"})
    db.session.rollback()
    person = db.session.scalars(select(Person)).one()
    assert person.organisation == "North Cumbria Integrated Care"
    assert db.session.scalars(select(Booking)).one().person_id == person.id


def test_council_staff_who_emailed_are_not_asked_for_an_organisation(
    client, courses, config, clock
):
    ingest(_request('"Bloggs, Jo" <jo.bloggs@cumberland.gov.uk>'), now=clock(), config=config)
    url, _link = link_from(outbox_rows()[0])
    assert 'name="organisation"' not in client.get(urlsplit(url).path).get_data(as_text=True)


def test_a_dmarc_pass_from_a_partner_without_an_organisation_gets_a_link_not_a_place(
    courses, config, clock
):
    from dataclasses import replace

    raw = _request('"Sam Carter" <sam.carter@nhs.net>').replace(
        b"From:",
        b"Authentication-Results: mx.cumbria.gov.uk; dmarc=pass header.from=nhs.net\r\nFrom:",
        1,
    )
    trusted = replace(config, trusted_authserv_id="mx.cumbria.gov.uk")

    message = ingest(raw, now=clock(), config=trusted).message

    assert message.understanding["dmarc_pass"] is True
    assert message.outcome.value == "booking_link_sent"
    assert db.session.scalars(select(Booking)).first() is None


def test_a_coordinator_booking_a_partner_from_the_list_gives_their_organisation(
    client, make, sign_in_coordinator, courses, config, clock
):
    sign_in_coordinator(make.coordinator())
    raw = _request('"Sam Carter" <sam.carter@nhs.net>', "Is there parking at Kendal?")
    message = ingest(raw, now=clock(), config=config).message
    course = courses["kendal_october"]

    page = client.get(f"/coordinator/mailbox/{message.id}").get_data(as_text=True)
    assert 'name="organisation"' in page
    refused = client.post(f"/coordinator/mailbox/{message.id}/book", data={"course_id": course.id})
    assert refused.status_code == 400
    assert "Enter the organisation this person works for." in refused.get_data(as_text=True)

    client.post(
        f"/coordinator/mailbox/{message.id}/book",
        data={"course_id": course.id, "organisation": "Cumbria Police"},
    )
    db.session.rollback()
    person = db.session.scalars(select(Person)).one()
    assert (person.full_name, person.organisation) == ("Sam Carter", "Cumbria Police")


def test_an_organisation_written_as_a_comment_after_the_name_is_kept():
    """An unquoted "Jo Smith (NHS ENGLAND)" is a name and an RFC 5322 comment; the standard
    library's getaddresses keeps the comment, so the organisation is read as when quoted."""
    parsed = parse_message(_request("Jo Smith (NHS ENGLAND) <jo.smith@nhs.net>"))
    assert parsed.sender == "jo.smith@nhs.net"
    parts = read_display_name(parsed.display_name)
    assert (parts.name, parts.organisation) == ("Jo Smith", "NHS ENGLAND")
