"""Every coordinator URL refuses anyone who is not a signed-in coordinator.

The URLs are collected from the app itself, so pages added later are covered without
editing this file; their parameters name real rows (see `rows` in conftest.py).
"""

from __future__ import annotations

import pytest

from booking import create_app
from booking.models import Role

#: Under /coordinator but open to everyone: the first step of signing in, and signing out.
PUBLIC = {"auth.coordinator_sign_in", "auth.coordinator_sign_out"}
#: Later steps of signing in: they send anyone without a correct password back to the start.
SIGN_IN_STEPS = {"auth.coordinator_code", "auth.set_up_app"}


def _coordinator_rules():
    app = create_app("testing")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/coordinator") or rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append(pytest.param(rule.endpoint, method, id=f"{method} {rule.rule}"))
    return found


COORDINATOR_RULES = _coordinator_rules()


def _request(client, app, rows, endpoint, method):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return client.open(rows.url_for_rule(rule), method=method, data={"reason": "x"})


def _refused(response) -> bool:
    """Sent to sign in, and nothing else: a 404 could come from a view that forgot its
    guard and only failed to find the row."""
    location = response.headers.get("Location", "")
    return response.status_code in (302, 303) and location.startswith("/coordinator/sign-in")


def test_the_coordinator_area_has_pages_to_check():
    assert len(COORDINATOR_RULES) >= 10


@pytest.mark.parametrize(("endpoint", "method"), COORDINATOR_RULES)
def test_anonymous_visitors_are_refused(app, client, rows, endpoint, method):
    response = _request(client, app, rows, endpoint, method)
    assert _refused(response), response.status_code
    assert b"Needs a hearing loop" not in response.data


@pytest.mark.parametrize(("endpoint", "method"), COORDINATOR_RULES)
def test_signed_in_attendees_are_refused(
    app, client, rows, make, sign_in_attendee, endpoint, method
):
    sign_in_attendee(client, make.person())
    response = _request(client, app, rows, endpoint, method)
    assert _refused(response), response.status_code
    assert b"Needs a hearing loop" not in response.data


@pytest.mark.parametrize(("endpoint", "method"), COORDINATOR_RULES)
def test_a_password_without_the_second_factor_opens_nothing(
    app, client, rows, totp_coordinator, endpoint, method
):
    user = totp_coordinator(password="a long enough password")
    client.post(
        "/coordinator/sign-in", data={"email": user.email, "password": "a long enough password"}
    )
    response = _request(client, app, rows, endpoint, method)
    if endpoint in SIGN_IN_STEPS:
        assert response.status_code in (200, 302)  # the code page itself, as it should
    else:
        assert _refused(response), response.status_code


ADMIN_ONLY = [
    ("GET", "/coordinator/accounts"),
    ("GET", "/coordinator/accounts/new"),
    ("POST", "/coordinator/accounts/new"),
    ("POST", "/coordinator/accounts/{user}/disable"),
    ("POST", "/coordinator/accounts/{user}/enable"),
    ("POST", "/coordinator/accounts/{user}/reset-app"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ONLY)
def test_coordinators_who_are_not_administrators_cannot_manage_accounts(
    client, make, rows, sign_in_coordinator, method, path
):
    sign_in_coordinator(make.coordinator())
    url = path.format(user=rows.ids["user"])
    response = client.open(url, method=method, data={"email": "new@cumbria.gov.uk"})
    assert response.status_code == 404


def test_administrators_can_see_the_accounts_page(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator(role=Role.ADMINISTRATOR))
    assert client.get("/coordinator/accounts").status_code == 200
