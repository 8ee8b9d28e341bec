"""Every answer that cannot be trusted is refused plainly, with the emailed-link fallback,
put on the audit trail, and signs nobody in: never a server error."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from booking.extensions import db
from booking.models import AuditEvent, Person


def _refusals():
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sign_in.council_refused")
    ).all()


def _assert_refused(response, client, reason_starts, status=400):
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "get a link to sign in to My bookings" in html  # the emailed-link fallback
    assert client.get("/my-bookings").status_code == 302  # nobody is signed in
    assert Person.query.count() == 0
    [refused] = _refusals()
    assert refused.reason.startswith(reason_starts), refused.reason
    return html


@pytest.fixture
def sam(cumberland):
    return cumberland.add_user("sam", email="sam@cumberland.gov.uk", email_verified=True)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"iss": "https://login.example.com/someone-else/v2.0"},
            "id_token_refused:invalid_claim:iss",
        ),
        ({"aud": "another-app"}, "id_token_refused:invalid_claim:aud"),
        ({"exp": -120, "iat": -420, "nbf": -420}, "id_token_refused:expired_token"),
        ({"nonce": "a-nonce-from-another-sign-in"}, "id_token_refused:invalid_claim:nonce"),
        ({"nonce": None}, "id_token_refused:missing_claim:nonce"),
        ({"_sign_with_unpublished_key": True}, "id_token_refused:bad_signature"),
        ({"sub": None}, "id_token_refused:missing_claim:sub"),
    ],
    ids=[
        "wrong-issuer",
        "wrong-audience",
        "expired",
        "wrong-nonce",
        "no-nonce",
        "bad-signature",
        "no-subject",
    ],
)
def test_a_token_that_fails_a_check_is_refused(client, journey, cumberland, sam, changes, reason):
    cumberland.next_token_changes = dict(changes)
    html = _assert_refused(journey.sign_in(cumberland, "sam"), client, reason)
    assert "did not pass our checks" in html


def test_a_token_just_past_its_expiry_is_allowed_for_a_small_clock_difference(
    client, journey, cumberland, sam
):
    cumberland.next_token_changes = {"exp": -10, "iat": -310, "nbf": -310}  # 30 s allowed
    assert journey.sign_in(cumberland, "sam").headers["Location"] == "/my-bookings"


def test_a_provider_whose_discovery_names_another_issuer_is_refused(
    client, journey, cumberland, sam
):
    cumberland.discovery_changes = {"issuer": "https://login.example.com/evil/v2.0"}
    response = client.get("/sign-in/council/cumberland")
    _assert_refused(response, client, "discovery_wrong_issuer")


def test_a_replayed_code_is_refused(client, journey, cumberland, sam):
    authorize = journey.go_to_provider("/sign-in/council/cumberland")
    saved_session = client.get_cookie("session").value  # an attacker's copy of the browser
    callback = journey.sign_in_at_provider(authorize, "sam")
    assert journey.come_back(callback).headers["Location"] == "/my-bookings"
    client.post("/sign-out")

    again = journey.come_back(callback)  # our side: the state was used up
    assert again.status_code == 400
    assert "already used, or took too long" in again.get_data(as_text=True)

    client.set_cookie("session", saved_session, domain="localhost")
    replayed = journey.come_back(callback)  # the provider's side: the code works once
    assert replayed.status_code == 400
    assert client.get("/my-bookings").status_code == 302
    reasons = [event.reason for event in _refusals()]
    assert reasons == ["state_missing_or_wrong", "token_refused:invalid_grant"]


@pytest.mark.parametrize("state", [None, "not-the-state-we-sent"])
def test_a_missing_or_wrong_state_is_refused(client, journey, cumberland, sam, state):
    callback = journey.sign_in_at_provider(
        journey.go_to_provider("/sign-in/council/cumberland"), "sam"
    )
    from urllib.parse import parse_qs, urlencode, urlsplit

    query = parse_qs(urlsplit(callback).query)
    if state:
        query["state"] = [state]
    else:
        query.pop("state")
    response = client.get(f"/sign-in/council/cumberland/callback?{urlencode(query, doseq=True)}")
    _assert_refused(response, client, "state_missing_or_wrong")
    assert cumberland.token_requests == []  # the code was never even exchanged


def test_an_answer_for_one_provider_at_the_others_address_is_refused(
    client, journey, cumberland, westmorland, sam
):
    callback = journey.sign_in_at_provider(
        journey.go_to_provider("/sign-in/council/cumberland"), "sam"
    )
    crossed = callback.replace("/council/cumberland/", "/council/westmorland/")
    _assert_refused(journey.come_back(crossed), client, "state_missing_or_wrong")


def test_saying_no_at_the_provider_is_refused_plainly(client, journey, cumberland, sam):
    journey.go_to_provider("/sign-in/council/cumberland")
    with client.session_transaction() as sess:
        state = sess["council_sign_in"]["state"]
    response = client.get(f"/sign-in/council/cumberland/callback?error=access_denied&state={state}")
    _assert_refused(response, client, "provider_said_no:access_denied")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_provider_that_is_down_gives_the_fallback_page(build_app, cumberland):
    down = {"issuer": f"http://127.0.0.1:{_closed_port()}/cumberland/v2.0"}
    app = build_app(provider_overrides={"cumberland": down})
    client = app.test_client()
    response = client.get("/sign-in/council/cumberland?next=/courses/1/book")
    html = _assert_refused(response, client, "ConnectionError", status=503)
    assert "Council sign-in is not working right now" in html
    assert 'href="/courses/1/book"' in html  # back to the form, to use an emailed link


def test_a_provider_that_goes_down_before_the_person_comes_back(client, journey, cumberland, sam):
    callback = journey.sign_in_at_provider(
        journey.go_to_provider("/sign-in/council/cumberland"), "sam"
    )
    port = cumberland.port
    cumberland.stop()
    try:
        _assert_refused(journey.come_back(callback), client, "ConnectionError", status=503)
    finally:
        cumberland.start(port)


def test_a_provider_that_answers_oddly_gives_the_fallback_page(client, cumberland):
    cumberland.odd = True  # an HTML page where discovery should be
    response = client.get("/sign-in/council/cumberland")
    _assert_refused(response, client, "JSONDecodeError", status=503)


def test_pkce_is_used(client, journey, cumberland, sam):
    journey.sign_in(cumberland, "sam")
    [asked] = cumberland.authorize_requests[:1]
    assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
    assert asked["state"] and asked["nonce"]
    [exchanged] = cumberland.token_requests
    assert exchanged["code_verifier"]  # the provider checked it against the challenge
