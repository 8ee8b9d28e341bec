"""Sign in with a council account: the OpenID Connect authorisation code flow, through
Authlib's Flask client, with PKCE, state and nonce.

Authlib checks the ID token: its signature against the keys the provider publishes (fetched
again once when a token names a key we do not have), and here we also ask it to check the
issuer (the configured one, which discovery must also give), the audience (our client id),
the expiry and issue time (allowing OIDC_CLOCK_SKEW_SECONDS of clock difference) and the nonce.
What a verified token proves is decided in services/council_sign_in.py.

Each app builds its own registry of providers from OIDC_PROVIDERS; with none, nothing here
shows and every sign-in works as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, current_app, redirect, request, session, url_for
from joserfc.errors import JoseError

from .auth import SIGNED_IN_WITH_KEY
from .services.council_sign_in import Provider, providers_from_settings

log = logging.getLogger(__name__)

EXTENSION = "council_sign_in"
#: What the session keeps between sending someone to their provider and their coming back.
PENDING_KEY = "council_sign_in"
SCOPE = "openid email profile"


class CouncilSignInFailed(Exception):
    """The provider could not be reached, or its answer could not be trusted.

    `reason` is a short code for the audit trail; `unreachable` says the provider is down
    (or answered with something that is not OpenID Connect) rather than refusing.
    """

    def __init__(self, reason: str, *, unreachable: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable


@dataclass(frozen=True)
class Verified:
    """A finished sign-in: the verified claims, and what the person set out to do."""

    claims: dict
    purpose: str
    next_path: str | None


class CouncilSignIn:
    """The providers of one app and their Authlib clients."""

    def __init__(self, app: Flask):
        self.providers = providers_from_settings(app.config.get("OIDC_PROVIDERS") or [])
        self.oauth = OAuth(app)
        for provider in self.providers.values():
            self.oauth.register(
                provider.name,
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.issuer.rstrip("/")
                + "/.well-known/openid-configuration",
                client_kwargs={
                    "scope": SCOPE,
                    "code_challenge_method": "S256",
                    "default_timeout": app.config.get("OIDC_TIMEOUT_SECONDS", 10),
                },
            )

    def client(self, provider: Provider):
        return self.oauth.create_client(provider.name)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = registry = CouncilSignIn(app)
    app.jinja_env.globals["council_providers"] = lambda: list(registry.providers.values())
    origins = sorted({_origin(p.issuer) for p in registry.providers.values()})
    if origins:
        # The sign-out button is a form whose answer sends the browser to the provider's
        # sign-out; browsers hold that redirect to the page's form-action list.
        allowed = "form-action 'self' " + " ".join(origins)

        @app.after_request
        def allow_sign_out_at_providers(response):
            policy = response.headers.get("Content-Security-Policy")
            if policy:
                policy = policy.replace("form-action 'self'", allowed, 1)
                response.headers["Content-Security-Policy"] = policy
            return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _registry() -> CouncilSignIn:
    return current_app.extensions[EXTENSION]


def providers() -> list[Provider]:
    """The configured providers, in the order of OIDC_PROVIDERS."""
    return list(_registry().providers.values())


def provider_or_404(name: str) -> Provider:
    provider = _registry().providers.get(name)
    if provider is None:
        abort(404)
    return provider


#: What a provider that is down, slow or not speaking OpenID Connect makes Authlib raise.
_UNREACHABLE = (requests.RequestException, ValueError, KeyError, TypeError, RuntimeError)


def _metadata(provider: Provider) -> dict:
    """The provider's discovery document; its issuer must be exactly the configured one."""
    client = _registry().client(provider)
    try:
        metadata = client.load_server_metadata()
    except _UNREACHABLE as error:
        raise CouncilSignInFailed(_describe(error), unreachable=True) from error
    if metadata.get("issuer") != provider.issuer:
        client.server_metadata.clear()  # look again next time: it may be put right
        raise CouncilSignInFailed("discovery_wrong_issuer")
    return metadata


def redirect_uri(provider: Provider) -> str:
    """Where the provider sends people back: built from SITE_URL (register it with them)."""
    return current_app.config["SITE_URL"] + url_for("council.callback", name=provider.name)


def start(provider: Provider, *, purpose: str, next_path: str | None):
    """Send the person to their provider to sign in (a redirect response)."""
    _metadata(provider)
    client = _registry().client(provider)
    uri = redirect_uri(provider)
    try:
        found = client.create_authorization_url(uri)
    except _UNREACHABLE as error:
        raise CouncilSignInFailed(_describe(error), unreachable=True) from error
    # Authlib keeps the state, nonce and PKCE verifier in the session under the state.
    client.save_authorize_data(redirect_uri=uri, **found)
    session[PENDING_KEY] = {
        "provider": provider.name,
        "state": found["state"],
        "purpose": purpose,
        "next": next_path,
    }
    return redirect(found["url"])


def finish(provider: Provider, *, leeway: int) -> Verified:
    """Handle the provider's answer at our callback: exchange the code and check the token."""
    pending = session.pop(PENDING_KEY, None) or {}
    state = request.args.get("state")
    if not state or pending.get("provider") != provider.name or pending.get("state") != state:
        raise CouncilSignInFailed("state_missing_or_wrong")
    if request.args.get("error"):
        raise CouncilSignInFailed("provider_said_no:" + request.args["error"][:40])
    _metadata(provider)
    client = _registry().client(provider)
    options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        token = client.authorize_access_token(claims_options=options, leeway=leeway)
    except OAuthError as error:  # a wrong state, or the token endpoint said no
        raise CouncilSignInFailed("token_refused:" + str(error.error)[:40]) from error
    except JoseError as error:  # signature, issuer, audience, expiry, nonce ...
        raise CouncilSignInFailed("id_token_refused:" + _describe(error)) from error
    except _UNREACHABLE as error:
        raise CouncilSignInFailed(_describe(error), unreachable=True) from error
    claims = token.get("userinfo")
    if not claims:  # the provider sent no ID token
        raise CouncilSignInFailed("no_id_token")
    return Verified(dict(claims), pending.get("purpose", "person"), pending.get("next"))


def remember_provider(provider: Provider) -> None:
    """After the session is started: note the provider, for signing out there too."""
    session[SIGNED_IN_WITH_KEY] = provider.name


def sign_out_url(provider_name: str | None) -> str | None:
    """The provider's own sign-out address, coming back to the course list, if it has one."""
    provider = _registry().providers.get(provider_name or "")
    if provider is None:
        return None
    try:
        metadata = _metadata(provider)
        if not metadata.get("end_session_endpoint"):
            return None
        back = current_app.config["SITE_URL"] + url_for("courses.calendar")
        return (
            _registry()
            .client(provider)
            .create_logout_url(post_logout_redirect_uri=back, client_id=provider.client_id)["url"]
        )
    except CouncilSignInFailed:
        return None  # our session has ended anyway


def _describe(error: Exception) -> str:
    """A short code for the audit trail: the kind of error, never what it quotes."""
    code = getattr(error, "error", None) or type(error).__name__
    claim = getattr(error, "claim", None)
    return f"{code}:{claim}"[:60] if claim else str(code)[:60]
