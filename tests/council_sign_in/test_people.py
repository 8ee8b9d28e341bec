"""People who book sign in with their council account: it proves their address, and a council
provider's word makes them council staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, Booking, BookingStatus, EmailLink, Group, Person


def _events(action):
    from booking.extensions import db

    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _signed_in_person(client):
    response = client.get("/my-bookings")
    return response.status_code == 200


def test_with_no_provider_configured_no_button_shows_and_nothing_changes(app, make, clock):
    client = app.test_client()
    course = make.course()
    for page in ("/sign-in", "/coordinator/sign-in", f"/courses/{course.id}/book"):
        response = client.get(page)
        assert response.status_code == 200
        assert b"council account" not in response.data
    assert client.get("/sign-in/council/cumberland").status_code == 404


@pytest.mark.parametrize(
    "setting",
    [
        {"name": "cumberland", "client_id": "x", "domains": ["cumberland.gov.uk"]},
        {"name": "cumberland", "issuer": "https://id.example", "domains": ["cumberland.gov.uk"]},
        {"name": "cumberland", "issuer": "https://id.example", "client_id": "x"},
    ],
    ids=["no-issuer", "no-client-id", "no-domains"],
)
def test_a_provider_missing_a_setting_stops_the_app_starting(make_app, setting):
    with pytest.raises(ValueError, match="OIDC_PROVIDERS: cumberland needs"):
        make_app(OIDC_PROVIDERS=[setting])


def test_the_button_shows_on_the_booking_form_and_both_sign_in_pages(client, make):
    course = make.course()
    for page, expected in (
        (f"/courses/{course.id}/book", f"next=/courses/{course.id}/book"),
        ("/sign-in", "next=/my-bookings"),
        ("/coordinator/sign-in?next=/coordinator/courses", "as=coordinator"),
    ):
        html = client.get(page).get_data(as_text=True)
        assert "Sign in with your Cumberland Council account" in html
        assert "Sign in with your Westmorland Council account" in html
        assert expected in html.replace("%2F", "/")


def test_staff_book_straight_from_the_form_without_an_emailed_link(
    client, journey, cumberland, make
):
    course = make.course()
    cumberland.add_user(
        "sam",
        email="Sam.Smith@cumberland.gov.uk",
        email_verified=True,
        name="Sam Smith",
    )
    form_page = f"/courses/{course.id}/book"
    back = journey.sign_in(cumberland, "sam", start=f"/sign-in/council/cumberland?next={form_page}")
    assert back.status_code == 302
    assert back.headers["Location"] == form_page  # the booking carries on where it was

    form = client.get(form_page).get_data(as_text=True)
    assert 'value="sam.smith@cumberland.gov.uk"' in form
    assert 'value="Sam Smith"' in form
    assert "Sign in with your Cumberland" not in form  # already signed in
    booked = client.post(
        form_page,
        data={
            "full_name": "Sam Smith",
            "email": "sam.smith@cumberland.gov.uk",
            "job_title": "Social Worker",
            "team": "Carlisle Children's Services",
            "organisation": "Cumberland Council",
            "consent": "y",
        },
    )
    assert booked.status_code == 302 and booked.headers["Location"].startswith("/b/")
    person = Person.query.filter_by(email="sam.smith@cumberland.gov.uk").one()
    assert person.group == Group.STAFF
    assert Booking.query.filter_by(person_id=person.id).one().status == BookingStatus.CONFIRMED
    assert EmailLink.query.count() == 0  # no link to confirm the address was needed
    [signed_in] = _events("person.signed_in")
    assert signed_in.object_id == person.id
    assert signed_in.details["provider"] == "cumberland"


def test_the_sign_in_page_leads_to_my_bookings(client, journey, cumberland):
    cumberland.add_user("jo", email="jo@cumberland.gov.uk", email_verified=True, name="Jo")
    back = journey.sign_in(cumberland, "jo", start="/sign-in/council/cumberland?next=/my-bookings")
    assert back.headers["Location"] == "/my-bookings"
    assert _signed_in_person(client)


def test_the_mailbox_confirm_page_offers_it_and_comes_back(client, journey, cumberland, make):
    from booking import clock
    from booking.models import LinkPurpose
    from booking.services import links

    course = make.course()
    _link, token = links.issue_link(
        LinkPurpose.CONFIRM_BOOKING,
        "lee@cumberland.gov.uk",
        now=clock.now(),
        ttl=__import__("datetime").timedelta(hours=24),
        course=course,
        details={"email": "lee@cumberland.gov.uk", "source": "mailbox"},
    )
    from booking.extensions import db

    db.session.commit()
    page = client.get(f"/confirm/{token}").get_data(as_text=True)
    assert "Sign in with your Cumberland Council account" in page
    cumberland.add_user("lee", email="lee@cumberland.gov.uk", email_verified=True)
    back = journey.sign_in(
        cumberland, "lee", start=f"/sign-in/council/cumberland?next=/confirm/{token}"
    )
    assert back.headers["Location"] == f"/confirm/{token}"
    assert client.post(f"/confirm/{token}").status_code == 302
    assert Person.query.filter_by(email="lee@cumberland.gov.uk").one().group == Group.STAFF


def test_a_council_provider_makes_staff_on_its_proof_not_on_the_domain(
    build_app, journey, cumberland, make
):
    # The provider vouches for a domain that is not in COUNCIL_EMAIL_DOMAINS.
    app = build_app(
        provider_overrides={
            "cumberland": {"domains": ["cumberland.gov.uk", "cumberlandcare.org.uk"]}
        },
        COUNCIL_EMAIL_DOMAINS=["cumberland.gov.uk"],
    )
    client = app.test_client()
    from tests.council_sign_in.conftest import Browser

    journey = Browser(client)
    was_partner = make.person(group=Group.PARTNER, email="kim@cumberlandcare.org.uk")
    cumberland.add_user("kim", email="kim@cumberlandcare.org.uk", email_verified=True)
    cumberland.add_user("new", email="new@cumberlandcare.org.uk", email_verified=True, name="N")
    journey.sign_in(cumberland, "kim")
    journey.sign_in(cumberland, "new")
    from booking.extensions import db

    db.session.expire_all()
    assert db.session.get(Person, was_partner.id).group == Group.STAFF
    assert Person.query.filter_by(email="new@cumberlandcare.org.uk").one().group == Group.STAFF
    changes = _events("person.group_corrected")
    assert {event.details["new_group"] for event in changes} == {"staff"}
    assert all("Cumberland Council account" in event.reason for event in changes)


def test_a_coordinators_correction_of_the_group_is_kept(build_app, cumberland, make):
    from tests.council_sign_in.conftest import Browser

    app = build_app(COUNCIL_EMAIL_DOMAINS=["cumbria.gov.uk"])
    journey = Browser(app.test_client())
    person = make.person(
        group=Group.PARTNER,
        email="agency@cumberland.gov.uk",
        group_override_reason="Agency worker on a council address",
    )
    cumberland.add_user("agency", email="agency@cumberland.gov.uk", email_verified=True)
    assert journey.sign_in(cumberland, "agency").status_code == 302
    from booking.extensions import db

    db.session.expire_all()
    assert db.session.get(Person, person.id).group == Group.PARTNER


def test_a_provider_not_marked_council_leaves_the_group_to_the_domain(build_app, westmorland):
    from tests.council_sign_in.conftest import Browser

    app = build_app(
        provider_overrides={"westmorland": {"council": False, "domains": ["nhs.net"]}},
    )
    journey = Browser(app.test_client())
    westmorland.add_user("nurse", email="nurse@nhs.net", email_verified=True)
    assert journey.sign_in(westmorland, "nurse").status_code == 302
    assert Person.query.filter_by(email="nurse@nhs.net").one().group == Group.PARTNER


def test_a_partner_domain_through_a_council_provider_is_refused(client, journey, cumberland):
    """Decided: a provider proves only addresses on the domains it vouches for. A partner
    agency guest in a council's directory books with an emailed link, like any partner."""
    cumberland.add_user("guest", email="guest@nhs.net", email_verified=True)
    response = journey.sign_in(cumberland, "guest")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "can only sign in addresses ending in cumberland.gov.uk" in html
    assert "get a link to sign in to My bookings" in html
    assert Person.query.count() == 0
    assert not _signed_in_person(client)
    [refused] = _events("sign_in.council_refused")
    assert refused.reason == "email_on_other_domain"
    assert refused.details["email_domain"] == "nhs.net"
    assert "guest" not in str(refused.details)  # the domain only, never the address


def test_a_token_from_one_provider_never_signs_in_to_anothers_domain(client, journey, westmorland):
    westmorland.add_user("wes", email="wes@cumberland.gov.uk", email_verified=True)
    response = journey.sign_in(westmorland, "wes")
    assert response.status_code == 400
    assert "westmorland.gov.uk" in response.get_data(as_text=True)
    assert not _signed_in_person(client)


def test_two_providers_sign_in_their_own_people(client, journey, cumberland, westmorland):
    cumberland.add_user("c", email="c@cumberland.gov.uk", email_verified=True)
    westmorland.add_user("w", email="w@westmorland.gov.uk", email_verified=True)
    assert journey.sign_in(cumberland, "c").headers["Location"] == "/my-bookings"
    assert "c@cumberland.gov.uk" in client.get("/my-bookings").get_data(as_text=True)
    assert journey.sign_in(westmorland, "w").headers["Location"] == "/my-bookings"
    assert "w@westmorland.gov.uk" in client.get("/my-bookings").get_data(as_text=True)
    assert {e.details["provider"] for e in _events("person.signed_in")} == {
        "cumberland",
        "westmorland",
    }


def test_an_unverified_email_is_refused(client, journey, cumberland):
    cumberland.add_user("u", email="u@cumberland.gov.uk", email_verified=False)
    response = journey.sign_in(cumberland, "u")
    assert response.status_code == 400
    assert "did not confirm your email address" in response.get_data(as_text=True)
    assert not _signed_in_person(client)
    assert _events("sign_in.council_refused")[0].reason == "email_not_verified"


def test_a_provider_trusted_for_its_domains_needs_no_email_verified_claim(build_app, cumberland):
    from tests.council_sign_in.conftest import Browser

    app = build_app(provider_overrides={"cumberland": {"trust_domain_email": True}})
    client = app.test_client()
    cumberland.add_user("t", email="t@cumberland.gov.uk")  # no email_verified, as Entra sends
    cumberland.add_user("g", email="g@gmail.com")
    assert Browser(client).sign_in(cumberland, "t").status_code == 302
    assert Browser(app.test_client()).sign_in(cumberland, "g").status_code == 400


def test_microsoft_entras_domain_owner_verified_claim_counts_as_verified(
    client, journey, cumberland
):
    cumberland.add_user("e", email="e@cumberland.gov.uk", xms_edov=True)
    assert journey.sign_in(cumberland, "e").headers["Location"] == "/my-bookings"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "\\\\evil.example",
        "http:/evil.example",
        "evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_cannot_lead_to_another_site(client, journey, cumberland, target):
    from urllib.parse import quote

    cumberland.add_user("n", email="n@cumberland.gov.uk", email_verified=True)
    start = f"/sign-in/council/cumberland?next={quote(target)}"
    assert journey.sign_in(cumberland, "n", start=start).headers["Location"] == "/my-bookings"


def test_next_may_lead_to_any_page_here(client, journey, cumberland):
    """Generic: a page that does not exist yet (a manager's approval page) works the same."""
    cumberland.add_user("m", email="m@cumberland.gov.uk", email_verified=True)
    start = "/sign-in/council/cumberland?next=/approvals/42%3Fanswer%3Dyes"
    assert (
        journey.sign_in(cumberland, "m", start=start).headers["Location"]
        == "/approvals/42?answer=yes"
    )


def test_signing_out_ends_our_session_and_the_providers(client, journey, cumberland):
    cumberland.add_user("o", email="o@cumberland.gov.uk", email_verified=True)
    journey.sign_in(cumberland, "o")
    response = client.post("/sign-out")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(cumberland.issuer + "/logout?")
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fcourses" in location
    assert "client_id=booking-app" in location
    assert not _signed_in_person(client)
    # The sign-out form's answer may lead to the providers (browsers check form-action).
    policy = client.get("/courses").headers["Content-Security-Policy"]
    assert f"form-action 'self' {cumberland.base} {cumberland.base}" not in policy
    assert "form-action 'self' http://127.0.0.1:" in policy
    assert cumberland.base in policy


def test_signing_out_after_an_emailed_link_stays_here(client, make):
    from booking.auth import ATTENDEE_SESSION_KEY

    person = make.person()
    with client.session_transaction() as sess:
        sess[ATTENDEE_SESSION_KEY] = {"id": person.id, "v": person.session_version}
    response = client.post("/sign-out")
    assert response.headers["Location"] == "/courses"


def test_providers_are_read_from_the_environment(monkeypatch):
    from config import _oidc_providers

    monkeypatch.setenv("OIDC_PROVIDERS", "cumberland, westmorland-and-furness")
    monkeypatch.setenv("OIDC_CUMBERLAND_ISSUER", "https://login.example/c/v2.0")
    monkeypatch.setenv("OIDC_CUMBERLAND_CLIENT_ID", "client-c")
    monkeypatch.setenv("OIDC_CUMBERLAND_LABEL", "Cumberland Council account")
    monkeypatch.setenv("OIDC_CUMBERLAND_DOMAINS", "cumberland.gov.uk, cumbria.gov.uk")
    monkeypatch.setenv("OIDC_WESTMORLAND_AND_FURNESS_COUNCIL", "off")
    monkeypatch.setenv("OIDC_WESTMORLAND_AND_FURNESS_MFA_VALUES", "mfa,otp")
    cumberland, westmorland = _oidc_providers()
    assert cumberland["issuer"] == "https://login.example/c/v2.0"
    assert cumberland["domains"] == ["cumberland.gov.uk", "cumbria.gov.uk"]
    assert (cumberland["label"], cumberland["council"]) == ("Cumberland Council account", True)
    assert westmorland["name"] == "westmorland-and-furness"
    assert (westmorland["council"], westmorland["mfa_values"]) == (False, ["mfa", "otp"])
