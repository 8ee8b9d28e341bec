"""Journey: a council staff member books by signing in with their council account, through
the provider's own sign-in page (a real OpenID Connect provider on loopback), with no email."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from werkzeug.serving import make_server

from booking.extensions import db
from booking.models import Booking, BookingStatus, EmailLink
from tests.support.oidc_provider import OidcProvider

from .journeys import JS_IDS, JS_MODES, Journey

NOW = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
DAY_ONE = date(2026, 3, 9)


@pytest.fixture
def provider():
    started = OidcProvider("cumberland").start()
    yield started
    started.stop()


@pytest.fixture
def council_server(make_app, app, provider):
    """The app served on loopback with the provider configured (its redirect address
    registered with the provider once the port is known)."""
    live = make_app(
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=False,
        OIDC_PROVIDERS=[provider.provider_settings()],
    )
    live.config["CLOCK_OVERRIDE"] = NOW
    server = make_server("127.0.0.1", 0, live, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live.config["SITE_URL"] = base_url
    provider.redirect_uris.add(f"{base_url}/sign-in/council/cumberland/callback")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_staff_member_books_through_their_council_sign_in(
    council_server, provider, new_page, axe, screenshot, make, javascript
):
    course = make.course(DAY_ONE, venue_obj=make.venue("Carlisle"))
    provider.add_user(
        "alex.morgan",
        email="alex.morgan@cumberland.gov.uk",
        email_verified=True,
        name="Alex Morgan",
    )
    page = new_page(javascript=javascript)
    journey = Journey(page, axe, screenshot, "council-sign-in", javascript=javascript)

    page.goto(f"{council_server}/courses/{course.id}/book")
    assert journey.heading() == "Book a place"
    journey.look("1-form-with-council-button")

    page.get_by_role("button", name="Sign in with your Cumberland Council account").click()
    assert page.url.startswith(provider.issuer + "/authorize")  # the provider's own page
    page.get_by_label("Username").fill("alex.morgan")
    page.get_by_role("button", name="Sign in").click()

    assert journey.heading() == "Book a place"  # back on the form, signed in
    assert page.get_by_label("Work email address").input_value() == (
        "alex.morgan@cumberland.gov.uk"
    )
    assert page.get_by_label("Full name").input_value() == "Alex Morgan"
    journey.look("2-form-signed-in")
    page.get_by_label("Job title").fill("Social Worker")
    page.get_by_label("Team or service").fill("Carlisle Children's Team")
    page.get_by_label("I agree to my details being used").check()
    page.get_by_role("button", name="Book my place").click()

    assert journey.heading() == "You have a place"
    journey.look("3-you-have-a-place")
    db.session.rollback()  # end this test's read of the database before the booking
    booking = Booking.query.one()
    assert booking.status == BookingStatus.CONFIRMED
    assert EmailLink.query.count() == 0  # no emailed link was needed

    page.get_by_role("button", name="Sign out").click()
    assert page.url.startswith(council_server + "/courses")  # via the provider's sign-out
    assert provider.sign_outs and provider.sign_outs[0]["client_id"] == "booking-app"
