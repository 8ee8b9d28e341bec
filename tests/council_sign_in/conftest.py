"""Council sign-in tests: two real OpenID Connect providers on loopback (tests/support/
oidc_provider.py) and, for each test, an app configured with them. The test client plays the
browser, carrying each redirect between our app and the provider."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pyotp
import pytest
import requests

from booking.extensions import db as _db
from tests.conftest import _Client
from tests.support.oidc_provider import OidcProvider

SITE = "http://localhost"
#: The app's clock in these tests (as tests/conftest.py's `clock`); tokens use real time.
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def _providers():
    started = {
        "cumberland": OidcProvider("cumberland").start(),
        "westmorland": OidcProvider("westmorland").start(),
    }
    for provider in started.values():
        provider.redirect_uris.add(f"{SITE}/sign-in/council/{provider.tenant}/callback")
    yield started
    for provider in started.values():
        provider.stop()


@pytest.fixture
def providers(_providers):
    for provider in _providers.values():
        provider.reset()
    return _providers


@pytest.fixture
def cumberland(providers):
    return providers["cumberland"]


@pytest.fixture
def westmorland(providers):
    return providers["westmorland"]


def settings_for(providers, **overrides):
    """OIDC_PROVIDERS for these providers; overrides are keyed by provider name."""
    return [p.provider_settings(**overrides.get(p.tenant, {})) for p in providers.values()]


@pytest.fixture
def build_app(make_app, app, providers):
    """Build an app with both providers (and any other settings); its context is pushed."""
    built = []

    def build(provider_overrides=None, **settings):
        settings.setdefault("OIDC_PROVIDERS", settings_for(providers, **(provider_overrides or {})))
        settings.setdefault("OIDC_CLOCK_SKEW_SECONDS", 30)
        settings.setdefault("OIDC_TIMEOUT_SECONDS", 5)
        the_app = make_app(**settings)
        the_app.config["CLOCK_OVERRIDE"] = NOW
        the_app.test_client_class = _Client
        context = the_app.app_context()
        context.push()
        built.append((the_app, context))
        return the_app

    yield build
    for _the_app, context in reversed(built):
        _db.session.remove()
        _db.engine.dispose()
        context.pop()


@pytest.fixture
def council_app(build_app):
    return build_app()


@pytest.fixture
def client(council_app):
    return council_app.test_client()


@pytest.fixture
def coordinator_with_app(make):
    """A coordinator who has set up their authenticator app; `.totp` makes codes."""

    def build(**fields):
        secret = pyotp.random_base32()
        user = make.coordinator(totp_secret=secret, totp_confirmed_at=NOW, **fields)
        user.totp = pyotp.TOTP(secret)
        return user

    return build


class Browser:
    """Carries a sign-in between our app (the test client) and a provider over HTTP."""

    def __init__(self, client):
        self.client = client

    def go_to_provider(self, start: str):
        """Open our sign-in address; return where it sends the browser (the provider)."""
        response = self.client.get(start)
        assert response.status_code == 302, response.data
        return response.headers["Location"]

    def sign_in_at_provider(self, authorize_url: str, login: str) -> str:
        """Sign in on the provider's page; return the callback address it sends back to."""
        page = requests.get(authorize_url, timeout=5)
        assert page.status_code == 200 and "Sign in to" in page.text
        answer = requests.post(
            authorize_url, data={"username": login}, allow_redirects=False, timeout=5
        )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def come_back(self, callback_url: str):
        parts = urlsplit(callback_url)
        assert f"{parts.scheme}://{parts.netloc}" == SITE
        return self.client.get(f"{parts.path}?{parts.query}")

    def sign_in(self, provider, login: str, *, start: str | None = None):
        """The whole journey; returns our app's answer at the callback."""
        start = start or f"/sign-in/council/{provider.tenant}"
        return self.come_back(self.sign_in_at_provider(self.go_to_provider(start), login))


@pytest.fixture
def journey(client):
    return Browser(client)
