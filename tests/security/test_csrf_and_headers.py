"""CSRF protection on every form, security headers on every response, cookies and caching."""

from __future__ import annotations

import re
import secrets

import pytest

from booking import create_app
from booking.security import CONTENT_SECURITY_POLICY


def _post_rules():
    app = create_app("testing")
    return [
        pytest.param(rule.endpoint, id=rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
    ]


@pytest.mark.parametrize("endpoint", _post_rules())
def test_every_form_refuses_a_post_without_a_csrf_token(
    csrf_app, csrf_client, rows, make, endpoint
):
    rule = next(r for r in csrf_app.url_map.iter_rules() if r.endpoint == endpoint)
    response = csrf_client.post(rows.url_for_rule(rule), data={"email": "a@cumbria.gov.uk"})
    assert response.status_code == 400
    assert b"Please try that again" in response.data
    assert b"Traceback" not in response.data


def test_sign_out_needs_a_csrf_token(csrf_client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator(), csrf_client)
    assert csrf_client.post("/sign-out").status_code == 400
    assert csrf_client.get("/coordinator").status_code == 200  # still signed in


def test_a_form_with_its_token_is_accepted(csrf_client, make):
    make.person(email="ann@cumberland.gov.uk")
    page = csrf_client.get("/sign-in")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    response = csrf_client.post(
        "/sign-in", data={"email": "ann@cumberland.gov.uk", "csrf_token": token.decode()}
    )
    assert response.headers["Location"] == "/sign-in/check-your-email"


PAGES = ["/courses", "/sign-in", "/privacy", "/no-such-page", "/coordinator/sign-in"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_are_on_every_page(client, url):
    response = client.get(url)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_the_policy_says_what_the_issue_asks(client):
    policy = client.get("/courses").headers["Content-Security-Policy"]
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert part in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize("url", PAGES + ["/my-bookings", "/coordinator", "/coordinator/audit"])
def test_pages_have_no_inline_script_or_style(client, make, sign_in_coordinator, url):
    sign_in_coordinator(make.coordinator())
    html = client.get(url, follow_redirects=True).data.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"


@pytest.mark.parametrize(
    "url", ["/coordinator", "/coordinator/audit", "/coordinator/account", "/my-bookings"]
)
def test_pages_with_personal_data_are_never_stored(client, make, sign_in_coordinator, url):
    sign_in_coordinator(make.coordinator())
    assert client.get(url).headers["Cache-Control"] == "no-store"


def test_sign_in_link_pages_are_never_stored(client, make):
    assert client.get("/sign-in/" + "x" * 43).headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    with client.get("/assets/govuk-frontend.min.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.fixture
def production_client(make_app, app):
    production = make_app(
        "production", SECRET_KEY=secrets.token_urlsafe(48), RATELIMIT_ENABLED=False
    )
    return production.test_client()


def test_production_sends_hsts(production_client):
    response = production_client.get("/courses", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_session_cookie_is_secure_httponly_lax_and_host_prefixed(production_client):
    response = production_client.get("/sign-in", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain=" not in cookie


def test_the_sign_out_button_on_every_page_carries_its_token(
    csrf_client, make, sign_in_coordinator
):
    sign_in_coordinator(make.coordinator(), csrf_client)
    page = csrf_client.get("/coordinator")
    form = re.search(rb'action="/sign-out".*?value="([^"]+)"', page.data, re.S)
    response = csrf_client.post("/sign-out", data={"csrf_token": form.group(1).decode()})
    assert response.status_code == 302
    assert csrf_client.get("/coordinator").status_code == 302
