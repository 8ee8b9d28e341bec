"""Coordinators sign in with their council account: matched by the provider's subject, linked
once (by a first sign-in with the matching verified address, or by an administrator); the
authenticator code is skipped only when the provider says it used several factors."""

from __future__ import annotations

from sqlalchemy import select

from booking.extensions import db
from booking.models import AuditEvent, CouncilAccountLink, Role, User

from .conftest import NOW, Browser

START = "/sign-in/council/cumberland?as=coordinator"


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _in_coordinators_area(client) -> bool:
    return client.get("/coordinator").status_code == 200


def test_a_first_sign_in_with_several_factors_links_the_account_and_signs_in(
    client, journey, cumberland, coordinator_with_app
):
    user = coordinator_with_app(email="alex@cumberland.gov.uk")
    claims = cumberland.add_user(
        "alex", email="alex@cumberland.gov.uk", email_verified=True, amr=["pwd", "mfa"]
    )
    back = journey.sign_in(cumberland, "alex", start=START)
    assert back.headers["Location"] == "/coordinator"
    assert _in_coordinators_area(client)
    link = db.session.scalar(select(CouncilAccountLink))
    assert (link.user_id, link.issuer, link.subject) == (user.id, cumberland.issuer, claims["sub"])
    assert link.linked_by == "first sign-in"
    assert _actions() == ["account.council_account_linked", "account.signed_in"]


def test_without_several_factors_the_code_is_still_asked_for(
    client, journey, cumberland, coordinator_with_app
):
    user = coordinator_with_app(email="bo@cumberland.gov.uk")
    cumberland.add_user("bo", email="bo@cumberland.gov.uk", email_verified=True, amr=["pwd"])
    back = journey.sign_in(cumberland, "bo", start=START + "&next=/coordinator/courses")
    assert back.headers["Location"] == "/coordinator/sign-in/code"
    assert not _in_coordinators_area(client)
    done = client.post("/coordinator/sign-in/code", data={"code": user.totp.at(NOW)})
    assert done.headers["Location"] == "/coordinator/courses"  # where they were going
    assert _in_coordinators_area(client)
    # Signing out ends the session at the provider too, though the code came second.
    assert client.post("/sign-out").headers["Location"].startswith(cumberland.issuer + "/logout")


def test_an_account_without_its_app_sets_it_up_after_a_single_factor_sign_in(
    client, journey, cumberland, make
):
    make.coordinator(email="new@cumberland.gov.uk")
    cumberland.add_user("new", email="new@cumberland.gov.uk", email_verified=True)
    back = journey.sign_in(cumberland, "new", start=START)
    assert back.headers["Location"] == "/coordinator/sign-in/set-up-app"
    assert client.get("/coordinator/sign-in/set-up-app").status_code == 200


def test_a_linked_account_is_matched_by_subject_not_email(
    client, journey, cumberland, coordinator_with_app
):
    coordinator_with_app(email="cy@cumberland.gov.uk")
    claims = cumberland.add_user(
        "cy", email="cy@cumberland.gov.uk", email_verified=True, amr=["mfa"]
    )
    journey.sign_in(cumberland, "cy", start=START)
    client.post("/sign-out")
    # Their address changes at the council (a new surname): the link still holds.
    cumberland.add_user(
        "cy", sub=claims["sub"], email="cy.new@cumberland.gov.uk", email_verified=True, amr=["mfa"]
    )
    assert journey.sign_in(cumberland, "cy", start=START).headers["Location"] == "/coordinator"


def test_someone_else_given_a_linked_address_cannot_take_the_account_over(
    client, journey, cumberland, coordinator_with_app
):
    coordinator_with_app(email="dee@cumberland.gov.uk")
    cumberland.add_user("dee", email="dee@cumberland.gov.uk", email_verified=True, amr=["mfa"])
    journey.sign_in(cumberland, "dee", start=START)
    client.post("/sign-out")
    cumberland.add_user("other", email="dee@cumberland.gov.uk", email_verified=True, amr=["mfa"])
    response = journey.sign_in(cumberland, "other", start=START)
    assert response.status_code == 400
    assert "no coordinators&#39; account for this council account" in response.get_data(
        as_text=True
    )
    assert not _in_coordinators_area(client)


def test_no_account_is_refused_plainly_and_the_subject_goes_on_the_audit_trail(
    client, journey, cumberland
):
    claims = cumberland.add_user("x", email="x@cumberland.gov.uk", email_verified=True)
    response = journey.sign_in(cumberland, "x", start=START)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Sign in with your password instead" in html
    refused = db.session.scalar(select(AuditEvent))
    assert refused.reason == "no_linked_account"
    assert refused.details["subject"] == claims["sub"]  # for an administrator to link it


def test_an_unverified_address_links_nothing(client, journey, cumberland, make):
    make.coordinator(email="ev@cumberland.gov.uk")
    cumberland.add_user("ev", email="ev@cumberland.gov.uk", email_verified=False, amr=["mfa"])
    assert journey.sign_in(cumberland, "ev", start=START).status_code == 400
    assert db.session.scalar(select(CouncilAccountLink)) is None


def test_a_turned_off_account_cannot_sign_in(client, journey, cumberland, coordinator_with_app):
    coordinator_with_app(email="fi@cumberland.gov.uk", is_enabled=False)
    cumberland.add_user("fi", email="fi@cumberland.gov.uk", email_verified=True, amr=["mfa"])
    assert journey.sign_in(cumberland, "fi", start=START).status_code == 400
    assert not _in_coordinators_area(client)


def test_each_provider_links_its_own_account(
    client, journey, cumberland, westmorland, coordinator_with_app
):
    coordinator_with_app(email="gus@westmorland.gov.uk")
    westmorland.add_user("gus", email="gus@westmorland.gov.uk", email_verified=True, amr=["mfa"])
    start = "/sign-in/council/westmorland?as=coordinator"
    assert journey.sign_in(westmorland, "gus", start=start).headers["Location"] == "/coordinator"
    assert db.session.scalar(select(CouncilAccountLink)).provider == "westmorland"


# --- Administrators -----------------------------------------------------------------------------


def _administrator(make, sign_in_as, client):
    admin = make.coordinator(role=Role.ADMINISTRATOR, full_name="Ada Admin")
    sign_in_as(admin, client)
    return admin


def test_an_administrator_links_an_account_by_subject_and_can_remove_it(
    client, make, journey, cumberland, sign_in_coordinator, coordinator_with_app
):
    user = coordinator_with_app(email="old.address@cumbria.gov.uk")
    _administrator(make, sign_in_coordinator, client)
    page = client.get(f"/coordinator/accounts/{user.id}/council-sign-in")
    assert page.status_code == 200 and "None yet" in page.get_data(as_text=True)
    answer = client.post(
        f"/coordinator/accounts/{user.id}/council-sign-in/link",
        data={"provider": "cumberland", "subject": "subject-from-the-audit-trail"},
    )
    assert answer.status_code == 302
    link = db.session.scalar(select(CouncilAccountLink))
    assert (link.user_id, link.subject, link.linked_by) == (
        user.id,
        "subject-from-the-audit-trail",
        "Ada Admin",
    )
    client.post("/sign-out")
    # Their council address is not the account's: the subject still signs them in.
    cumberland.add_user(
        "h", sub="subject-from-the-audit-trail", email="h@cumberland.gov.uk", amr=["mfa"]
    )
    assert journey.sign_in(cumberland, "h", start=START).headers["Location"] == "/coordinator"

    other = Browser(client.application.test_client())
    _administrator(make, sign_in_coordinator, other.client)
    removed = other.client.post(f"/coordinator/accounts/{user.id}/council-sign-in/{link.id}/remove")
    assert removed.status_code == 302
    assert db.session.scalar(select(CouncilAccountLink)) is None
    assert "account.council_account_unlinked" in _actions()


def test_a_sign_in_that_found_no_account_is_offered_for_linking(
    client, make, journey, cumberland, sign_in_coordinator
):
    user = make.coordinator(email="old.name@cumbria.gov.uk")
    claims = cumberland.add_user("j", email="j@cumberland.gov.uk", email_verified=True)
    assert journey.sign_in(cumberland, "j", start=START).status_code == 400
    _administrator(make, sign_in_coordinator, client)
    page = client.get(f"/coordinator/accounts/{user.id}/council-sign-in").get_data(as_text=True)
    assert "These council sign-ins found no account" in page
    assert claims["sub"] in page and "cumberland.gov.uk" in page
    assert "j@cumberland.gov.uk" not in page
    client.post(
        f"/coordinator/accounts/{user.id}/council-sign-in/link",
        data={"provider": "cumberland", "subject": claims["sub"]},
    )
    client.post("/sign-out")
    cumberland.add_user("j", sub=claims["sub"], email="j@cumberland.gov.uk", amr=["mfa"])
    assert journey.sign_in(cumberland, "j", start=START).headers["Location"] == "/coordinator"


def test_linking_a_subject_twice_is_refused(client, make, sign_in_coordinator):
    first = make.coordinator()
    second = make.coordinator()
    _administrator(make, sign_in_coordinator, client)
    url = "/coordinator/accounts/{}/council-sign-in/link"
    data = {"provider": "cumberland", "subject": "same-subject"}
    assert client.post(url.format(first.id), data=data).status_code == 302
    again = client.post(url.format(second.id), data=data)
    assert again.status_code == 400
    assert "already linked" in again.get_data(as_text=True)


def test_the_council_sign_in_pages_are_for_administrators_only(client, make, sign_in_coordinator):
    user = make.coordinator()
    sign_in_coordinator(make.coordinator(), client)
    assert client.get(f"/coordinator/accounts/{user.id}/council-sign-in").status_code == 404


def test_an_administrator_turns_a_password_off_and_council_sign_in_still_works(
    client, make, journey, cumberland, sign_in_coordinator, coordinator_with_app
):
    password = "correct horse battery staple"
    user = coordinator_with_app(email="ida@cumberland.gov.uk")
    _administrator(make, sign_in_coordinator, client)
    off = client.post(f"/coordinator/accounts/{user.id}/council-sign-in/password-off")
    assert off.status_code == 302
    client.post("/sign-out")
    refused = client.post("/coordinator/sign-in", data={"email": user.email, "password": password})
    assert b"The email address or password is not right" in refused.data
    cumberland.add_user("ida", email="ida@cumberland.gov.uk", email_verified=True, amr=["mfa"])
    assert journey.sign_in(cumberland, "ida", start=START).headers["Location"] == "/coordinator"
    client.post("/sign-out")

    _administrator(make, sign_in_coordinator, client)
    client.post(f"/coordinator/accounts/{user.id}/council-sign-in/password-on")
    client.post("/sign-out")
    works = client.post("/coordinator/sign-in", data={"email": user.email, "password": password})
    assert works.headers["Location"] == "/coordinator/sign-in/code"
    assert _actions().count("account.password_turned_off") == 1


def test_passwords_cannot_be_turned_off_without_a_provider(app, make, sign_in_coordinator):
    client = app.test_client()
    user = make.coordinator()
    admin = make.coordinator(role=Role.ADMINISTRATOR)
    sign_in_coordinator(admin, client)
    client.post(f"/coordinator/accounts/{user.id}/council-sign-in/password-off")
    db.session.expire_all()
    assert db.session.get(User, user.id).council_sign_in_required is False
