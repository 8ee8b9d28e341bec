"""Attendees sign in with an emailed link: random, hashed, single use, 15 minutes, site address."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest

from booking.models import AuditEvent, EmailLink, LinkPurpose, OutboxMessage
from booking.services import links, signin
from booking.services.errors import LinkInvalid

from ..support.queries import counting_queries


def _ask_for_link(client, email, **kwargs):
    return client.post("/sign-in", data={"email": email}, **kwargs)


def _token_from_outbox() -> str:
    message = OutboxMessage.query.order_by(OutboxMessage.id.desc()).first()
    return re.search(r"/sign-in/([A-Za-z0-9_-]+)", message.text_body).group(1)


def test_a_known_address_gets_a_link_built_from_the_site_address(client, make, app):
    person = make.person(email="ann@cumberland.gov.uk")
    response = _ask_for_link(client, person.email, base_url="http://attacker.example")
    assert response.headers["Location"] == "/sign-in/check-your-email"
    message = OutboxMessage.query.one()
    assert message.to_address == person.email
    assert message.subject == "Your link to sign in"
    assert f"{app.config['SITE_URL']}/sign-in/" in message.text_body
    assert "attacker.example" not in message.text_body + message.html_body


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, make):
    make.person(email="ann@cumberland.gov.uk")
    known = _ask_for_link(client, "ann@cumberland.gov.uk")
    unknown = _ask_for_link(client, "nobody@cumberland.gov.uk")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert OutboxMessage.query.count() == 1
    page = client.get(unknown.headers["Location"])
    assert b"If that address has booked training with us" in page.data


def test_asking_for_a_link_does_the_same_work_whether_or_not_we_know_the_address(client, make):
    """The answer must not take longer for an address that has booked: for one we do not
    know, the link and the email are made just the same, then undone."""
    make.person(email="ann@cumberland.gov.uk")
    seen = {}
    for email in ("ann@cumberland.gov.uk", "nobody@cumberland.gov.uk"):
        with counting_queries() as statements:
            response = _ask_for_link(client, email)
        inserts = sum(statement.lstrip().upper().startswith("INSERT") for statement in statements)
        seen[email] = (len(statements), inserts, response.status_code, response.location)
        seen[email] += (response.data,)
    assert seen["ann@cumberland.gov.uk"] == seen["nobody@cumberland.gov.uk"]
    # ... and only the known address has a link and an email: nothing is kept about the other
    assert [link.email for link in EmailLink.query.all()] == ["ann@cumberland.gov.uk"]
    assert [message.to_address for message in OutboxMessage.query.all()] == [
        "ann@cumberland.gov.uk"
    ]


def test_a_known_address_is_sent_its_link_right_after_the_answer(mail_app, make, smtp, clock):
    mail_app.config["OUTBOX_SEND_AFTER_REQUEST"] = True
    mail_app.config["CLOCK_OVERRIDE"] = clock.now
    make.person(email="ann@cumberland.gov.uk")
    web = mail_app.test_client()
    for email in ("ann@cumberland.gov.uk", "nobody@cumberland.gov.uk"):
        response = web.post("/sign-in", data={"email": email})
        assert response.status_code == 302
        response.close()
    [sent] = smtp.received
    assert sent.rcpt_tos == ["ann@cumberland.gov.uk"]
    assert "https://training.example.org/sign-in/" in sent.text()


def test_the_link_has_enough_randomness_and_only_its_hash_is_stored(client, make, db):
    make.person(email="ann@cumberland.gov.uk")
    _ask_for_link(client, "ann@cumberland.gov.uk")
    token = _token_from_outbox()
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    link = EmailLink.query.one()
    assert link.purpose == LinkPurpose.SIGN_IN
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str([getattr(link, c.key) for c in EmailLink.__table__.columns])


def test_opening_the_link_only_shows_a_button(client, make, clock):
    make.person(email="ann@cumberland.gov.uk")
    _ask_for_link(client, "ann@cumberland.gov.uk")
    token = _token_from_outbox()
    for _ in range(3):  # a link scanner, then the person
        page = client.get(f"/sign-in/{token}")
        assert page.status_code == 200
        assert b"Sign in" in page.data
    assert EmailLink.query.one().used_at is None
    assert client.get("/my-bookings").status_code == 302


def test_the_button_signs_in_with_a_new_session(client, make):
    make.person(email="ann@cumberland.gov.uk")
    _ask_for_link(client, "ann@cumberland.gov.uk")
    token = _token_from_outbox()
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
    response = client.post(f"/sign-in/{token}")
    assert response.headers["Location"] == "/my-bookings"
    with client.session_transaction() as sess:
        assert "planted" not in sess
    page = client.get("/my-bookings")
    assert page.status_code == 200
    assert b"ann@cumberland.gov.uk" in page.data
    assert AuditEvent.query.filter_by(action="person.signed_in").count() == 1


def test_a_link_cannot_be_used_twice(app, client, make):
    make.person(email="ann@cumberland.gov.uk")
    _ask_for_link(client, "ann@cumberland.gov.uk")
    token = _token_from_outbox()
    assert client.post(f"/sign-in/{token}").status_code == 302
    other = app.test_client()
    second = other.post(f"/sign-in/{token}")
    assert second.status_code == 404
    assert b"This link does not work any more" in second.data
    assert other.get(f"/sign-in/{token}").status_code == 404
    assert other.get("/my-bookings").status_code == 302


@pytest.mark.parametrize(("minutes", "works"), [(14.9, True), (15, False), (60, False)])
def test_a_link_works_for_fifteen_minutes(client, make, clock, minutes, works):
    make.person(email="ann@cumberland.gov.uk")
    _ask_for_link(client, "ann@cumberland.gov.uk")
    token = _token_from_outbox()
    clock.advance(minutes=minutes)
    response = client.post(f"/sign-in/{token}")
    assert (response.status_code == 302) is works


def test_a_link_for_something_else_cannot_sign_in(client, make, clock, db):
    person = make.person(email="ann@cumberland.gov.uk")
    token = "a" * 43
    db.session.add(
        EmailLink(
            purpose=LinkPurpose.CONFIRM_BOOKING,
            token_hash=links.hash_token(token),
            email=person.email,
            expires_at=clock.now + timedelta(hours=1),
        )
    )
    db.session.commit()
    assert client.post(f"/sign-in/{token}").status_code == 404


def test_made_up_tokens_are_refused(client):
    assert client.get("/sign-in/" + "x" * 43).status_code == 404
    assert client.post("/sign-in/" + "x" * 43).status_code == 404


def test_a_link_is_used_once_even_when_the_service_is_called_twice(make, clock, db):
    person = make.person(email="ann@cumberland.gov.uk")
    tokens = []
    signin.request_sign_in_link(person.email, link_for=tokens.append, now=clock.now)
    assert signin.use_sign_in_link(tokens[0], now=clock.now).id == person.id
    with pytest.raises(LinkInvalid):
        signin.use_sign_in_link(tokens[0], now=clock.now)


def test_signing_out_ends_the_attendee_session(client, make, sign_in_attendee, app):
    person = make.person()
    sign_in_attendee(client, person)
    copy = sign_in_attendee(app.test_client(), person)
    assert client.get("/my-bookings").status_code == 200
    assert client.post("/sign-out").status_code == 302
    assert client.get("/my-bookings").status_code == 302
    assert copy.get("/my-bookings").status_code == 302


def test_sign_out_is_not_possible_with_a_get(client, make, sign_in_attendee):
    sign_in_attendee(client, make.person())
    assert client.get("/sign-out").status_code == 405
    assert client.get("/my-bookings").status_code == 200
