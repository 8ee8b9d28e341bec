"""Protection against abuse: rate limits, security headers, caching rules and CSRF failures.

Rate limits are decorators other views import and put under their route decorator:

    from ..security import limit_booking

    @bp.post("/courses/<int:course_id>/book")
    @limit_booking
    def book(course_id): ...

Each one counts twice: per internet address (generous, because a council office shares one)
and per email address or account (tight). The numbers are settings (RATELIMIT_* in config.py).
A limit reached shows the plain "Please wait a moment" page with status 429.
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, render_template, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter
from .services import signin

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

#: Endpoints whose responses may be cached: files that hold no personal data.
CACHEABLE_ENDPOINTS = {"static", "govuk_assets"}


# --- Rate limits -------------------------------------------------------------------------


def _limits_off() -> bool:
    # Flask-Limiter keeps one switch for every app in the process; read this app's own setting
    # so an app built with limits off (the test suite's) is never limited by another's.
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def _address_key() -> str:
    return "address:" + (get_remote_address() or "unknown")


def _hashed_email_key(email: str) -> str:
    """An email address as a limit key, hashed so the limit store holds no addresses."""
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _email_key() -> str:
    """The email address typed into the form."""
    email = (request.form.get("email") or "").strip()
    if not email:
        return _address_key()
    return _hashed_email_key(email)


def _sign_in_link_key() -> str:
    """The person a sign-in link belongs to (the form has no email field to count by).

    A link we do not know counts as its own account; the per-address limit bounds guessing.
    """
    token = (request.view_args or {}).get("token") or ""
    owner = signin.sign_in_link_owner(token)
    if owner is not None:
        return _hashed_email_key(owner)
    return "link:" + hashlib.sha256(token.encode()).hexdigest()


def _account_key() -> str:
    """The account part-way through signing in (second factor), the coordinator signed in
    (asked for their password or code again), else the email typed."""
    pending = session.get("pending_sign_in")
    if pending and pending.get("id"):
        return f"account:{pending['id']}"
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return _email_key()


def _limit(setting: str, key_func, scope: str):
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key_func,
        methods=["POST"],
        exempt_when=_limits_off,
        scope=scope,
    )


def _both(*limits):
    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate


#: Booking a place (POST /courses/<id>/book): per address and per email address typed.
limit_booking = _both(
    _limit("RATELIMIT_BOOKING_PER_ADDRESS", _address_key, "booking-address"),
    _limit("RATELIMIT_BOOKING_PER_EMAIL", _email_key, "booking-email"),
)
#: Asking for an emailed link (sign-in link, confirmation link, cancel link).
limit_link_request = _both(
    _limit("RATELIMIT_LINKS_PER_ADDRESS", _address_key, "links-address"),
    _limit("RATELIMIT_LINKS_PER_EMAIL", _email_key, "links-email"),
)
#: Signing in as a coordinator: a password or a code.
limit_sign_in = _both(
    _limit("RATELIMIT_SIGN_IN_PER_ADDRESS", _address_key, "sign-in-address"),
    _limit("RATELIMIT_SIGN_IN_PER_ACCOUNT", _account_key, "sign-in-account"),
)
#: An attendee using their emailed sign-in link: counted per person the link belongs to, and
#: per address as generously as asking for links (a council office shares one address).
limit_sign_in_link = _both(
    _limit("RATELIMIT_LINKS_PER_ADDRESS", _address_key, "sign-in-link-address"),
    _limit("RATELIMIT_SIGN_IN_PER_ACCOUNT", _sign_in_link_key, "sign-in-account"),
)

#: Checking a certificate number (GET /certificates/<number>): per internet address, so
#: numbers cannot be tried in bulk.
limit_certificate_check = limiter.limit(
    lambda: current_app.config["RATELIMIT_CERTIFICATE_CHECKS"],
    key_func=_address_key,
    exempt_when=_limits_off,
    scope="certificate-check",
)

#: Signing in with a council account: going to the provider and coming back (both GETs,
#: counted together) per internet address; the account is not known until the provider answers.
limit_council_sign_in = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_SIGN_IN_PER_ADDRESS"],
    scope="council-sign-in-address",
    key_func=_address_key,
    exempt_when=_limits_off,
)


# --- Headers, caching, CSRF ----------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Wire headers, caching rules, the CSRF failure page and proxy handling into `app`."""
    if app.config.get("PROXY_FIX_X_FOR"):
        # Replacing wsgi_app is how Flask documents adding middleware; the types see a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1
        )

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS_MAX_AGE"):
            headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={app.config['HSTS_MAX_AGE']}; includeSubDomains",
            )
        if request.endpoint not in CACHEABLE_ENDPOINTS and not response.cache_control.public:
            # Pages may show personal data (and carry the session): never keep a copy.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return render_template("errors/form_expired.html"), 400
