"""Settings, read from environment variables with safe defaults for development.

Every setting is documented in README.md. `create_app()` picks the class named by
`FLASK_CONFIG` (development, testing or production); development is the default.
"""

import os
from datetime import timedelta


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    return [part.strip().lower() for part in raw.split(",") if part.strip()]


def _env_names(name: str, default: str) -> dict[str, str]:
    """`domain=Name; domain=Name` as a dict (domains lower-cased)."""
    pairs = (part.split("=", 1) for part in os.environ.get(name, default).split(";") if "=" in part)
    return {domain.strip().lower(): label.strip() for domain, label in pairs}


#: Keys written here for development and tests; production refuses both (booking/checks.py).
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-not-for-production"  # noqa: S105
TESTING_SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only


def _oidc_providers() -> list[dict]:
    """Council sign-in (OpenID Connect) providers: OIDC_PROVIDERS names them, and each name's
    settings are OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _LABEL, _DOMAINS, _COUNCIL,
    _TRUST_DOMAIN_EMAIL and _MFA_VALUES (see README: "Sign in with a council account")."""
    providers = []
    for name in _env_list("OIDC_PROVIDERS", ""):
        prefix = "OIDC_" + name.upper().replace("-", "_") + "_"
        providers.append(
            {
                "name": name,
                "issuer": os.environ.get(prefix + "ISSUER", ""),
                "client_id": os.environ.get(prefix + "CLIENT_ID", ""),
                "client_secret": os.environ.get(prefix + "CLIENT_SECRET", ""),
                "label": os.environ.get(prefix + "LABEL", "") or "council account",
                "domains": _env_list(prefix + "DOMAINS", ""),
                "council": _env_bool(prefix + "COUNCIL", True),
                "trust_domain_email": _env_bool(prefix + "TRUST_DOMAIN_EMAIL", False),
                "mfa_values": _env_list(prefix + "MFA_VALUES", "mfa"),
            }
        )
    return providers


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    #: None means "a SQLite file in the instance folder", filled in by the factory.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    #: The public address of the site, used to build every link in an email.
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    SERVICE_NAME = "Signs of Safety training"

    TRAINING_MAILBOX = os.environ.get("TRAINING_MAILBOX", "SignsOfSafety@cumbria.gov.uk")
    COUNCIL_EMAIL_DOMAINS = _env_list(
        "COUNCIL_EMAIL_DOMAINS",
        "cumberland.gov.uk,westmorlandandfurness.gov.uk,cumbria.gov.uk",
    )
    #: Each council's name by its email domain (`domain=Name; ...`): council staff leave their
    #: organisation blank, so reports name their council from their address.
    COUNCIL_NAMES = _env_names(
        "COUNCIL_NAMES",
        "cumberland.gov.uk=Cumberland Council;"
        "westmorlandandfurness.gov.uk=Westmorland and Furness Council;"
        "cumbria.gov.uk=Cumbria County Council",
    )

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Signs of Safety training <no-reply@cumbria.gov.uk>"
    )
    MAIL_SUPPRESS_SEND = _env_bool("MAIL_SUPPRESS_SEND", False)
    #: The SMTP envelope sender (MAIL FROM), where bounces go; empty means TRAINING_MAILBOX.
    MAIL_ENVELOPE_SENDER = os.environ.get("MAIL_ENVELOPE_SENDER", "")
    #: Seconds an SMTP connection may take before we give up and retry later.
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    #: Send queued mail straight after the request that queued it (best effort).
    OUTBOX_SEND_AFTER_REQUEST = _env_bool("OUTBOX_SEND_AFTER_REQUEST", True)
    #: At most this many messages are sent straight after one request; the worker does the rest.
    OUTBOX_AFTER_REQUEST_LIMIT = _env_int("OUTBOX_AFTER_REQUEST_LIMIT", 20)
    #: Tries before a message is marked failed for a coordinator to retry.
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 10)
    #: Wait after the first failure; it doubles after each one, up to the maximum.
    OUTBOX_FIRST_RETRY_SECONDS = _env_int("OUTBOX_FIRST_RETRY_SECONDS", 60)
    OUTBOX_MAX_RETRY_SECONDS = _env_int("OUTBOX_MAX_RETRY_SECONDS", 3600)
    #: A message left "sending" this long belongs to a sender that stopped: send it again.
    OUTBOX_STALE_SECONDS = _env_int("OUTBOX_STALE_SECONDS", 600)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    #: If Redis stops, each worker counts in its own memory (Flask-Limiter logs a warning and
    #: goes back to Redis once it answers) and any other limiter error is logged, never a 500:
    #: booking must keep working.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_HEADERS_ENABLED = True
    #: Limits in Flask-Limiter's words ("10 per hour;30 per day"); see booking/security.py.
    #: Council offices share one internet address, so limits per address are generous and
    #: the tight limits count per email address or account.
    RATELIMIT_BOOKING_PER_ADDRESS = os.environ.get("RATELIMIT_BOOKING_PER_ADDRESS", "60 per hour")
    RATELIMIT_BOOKING_PER_EMAIL = os.environ.get("RATELIMIT_BOOKING_PER_EMAIL", "10 per hour")
    #: Asking for emailed links, and using sign-in links: a whole office signs in from one address.
    RATELIMIT_LINKS_PER_ADDRESS = os.environ.get("RATELIMIT_LINKS_PER_ADDRESS", "300 per hour")
    RATELIMIT_LINKS_PER_EMAIL = os.environ.get("RATELIMIT_LINKS_PER_EMAIL", "5 per hour")
    RATELIMIT_SIGN_IN_PER_ADDRESS = os.environ.get("RATELIMIT_SIGN_IN_PER_ADDRESS", "30 per hour")
    RATELIMIT_SIGN_IN_PER_ACCOUNT = os.environ.get("RATELIMIT_SIGN_IN_PER_ACCOUNT", "10 per hour")
    #: Checking certificate numbers, per internet address.
    RATELIMIT_CERTIFICATE_CHECKS = os.environ.get(
        "RATELIMIT_CERTIFICATE_CHECKS", "30 per hour;100 per day"
    )
    #: How many proxies in front of the app set X-Forwarded-For (1 behind one load balancer).
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 0)
    #: Seconds browsers must use HTTPS only (sent in production only; 0 turns it off).
    HSTS_MAX_AGE = 0

    #: The largest request read, in bytes; larger ones get the "too large" page (413) unread.
    #: The CSV import keeps its own smaller limit (services/records.py).
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 1024 * 1024)

    WTF_CSRF_TIME_LIMIT = None  # the session's own lifetime limits the token
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    #: Coordinators are signed out after this long without doing anything.
    COORDINATOR_IDLE_TIMEOUT: timedelta | None = timedelta(
        minutes=_env_int("COORDINATOR_IDLE_MINUTES", 30)
    )
    #: ... and after this long whatever they do.
    COORDINATOR_ABSOLUTE_TIMEOUT: timedelta | None = timedelta(
        hours=_env_int("COORDINATOR_ABSOLUTE_HOURS", 10)
    )

    #: The most days from a course's first day to its last.
    COURSE_MAX_SPAN_DAYS = _env_int("COURSE_MAX_SPAN_DAYS", 14)

    #: Sign in with a council account (OpenID Connect); an empty list shows no button.
    OIDC_PROVIDERS = _oidc_providers()
    #: Seconds a provider's clock may differ from ours when checking a token's times.
    OIDC_CLOCK_SKEW_SECONDS = _env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
    #: Seconds we wait for a provider to answer before showing the emailed-link fallback.
    OIDC_TIMEOUT_SECONDS = _env_int("OIDC_TIMEOUT_SECONDS", 10)

    #: Days after a course ends before support needs text is deleted.
    SUPPORT_NEEDS_RETENTION_DAYS = _env_int("SUPPORT_NEEDS_RETENTION_DAYS", 30)
    #: Years without a booking before a person's details are anonymised.
    STAFF_RETENTION_YEARS = _env_int("STAFF_RETENTION_YEARS", 6)
    PARTNER_RETENTION_YEARS = _env_int("PARTNER_RETENTION_YEARS", 6)
    #: Days after a mailbox message is dealt with (or its course ends, if later) before the
    #: text the sender wrote is deleted; what the system took from it is kept.
    MAILBOX_TEXT_RETENTION_DAYS = _env_int("MAILBOX_TEXT_RETENTION_DAYS", 30)

    #: Pages and commands for a developer's own computer: the page of every email written
    #: (/development/mail) and `flask demo code`. On in development only; production
    #: refuses to start with it on (booking/checks.py).
    DEVELOPMENT_TOOLS = _env_bool("DEVELOPMENT_TOOLS", False)

    #: The most partner places one partner agency may hold on a course before the release
    #: date, unless the course sets its own; 0 means no cap unless a course sets one.
    PARTNER_AGENCY_CAP = _env_int("PARTNER_AGENCY_CAP", 2)

    #: PostgreSQL: how long a booking waits for its course's lock at a time; after four such
    #: waits the person is asked to try again (a transaction stuck holding the lock must not
    #: become an endless queue; see services/db.py).
    BOOKING_LOCK_TIMEOUT_SECONDS = float(os.environ.get("BOOKING_LOCK_TIMEOUT_SECONDS", "5"))

    #: Test-only switches for the overbooking control tests; never set in production.
    BOOKING_LOCKS_ENABLED = True
    AGENCY_CAP_ENABLED = True
    BOOKING_TEST_PAUSE_SECONDS = 0.0

    #: Mailbox reading (see README: "Bookings by email").
    MAILBOX_IMAP_HOST = os.environ.get("MAILBOX_IMAP_HOST", "")
    MAILBOX_IMAP_PORT = _env_int("MAILBOX_IMAP_PORT", 993)
    MAILBOX_IMAP_USER = os.environ.get("MAILBOX_IMAP_USER", "")
    MAILBOX_IMAP_PASSWORD = os.environ.get("MAILBOX_IMAP_PASSWORD", "")
    MAILBOX_IMAP_OAUTH2_TOKEN = os.environ.get("MAILBOX_IMAP_OAUTH2_TOKEN", "")
    #: An application that gets its own short-lived token (OAuth2 client credentials), as
    #: Microsoft 365 needs; when MAILBOX_OAUTH2_CLIENT_ID is set it replaces the fixed token.
    MAILBOX_OAUTH2_TENANT = os.environ.get("MAILBOX_OAUTH2_TENANT", "")
    MAILBOX_OAUTH2_TOKEN_URL = os.environ.get("MAILBOX_OAUTH2_TOKEN_URL", "")
    MAILBOX_OAUTH2_CLIENT_ID = os.environ.get("MAILBOX_OAUTH2_CLIENT_ID", "")
    MAILBOX_OAUTH2_CLIENT_SECRET = os.environ.get("MAILBOX_OAUTH2_CLIENT_SECRET", "")
    MAILBOX_OAUTH2_SCOPE = os.environ.get(
        "MAILBOX_OAUTH2_SCOPE", "https://outlook.office365.com/.default"
    )
    MAILBOX_TRUSTED_AUTHSERV_ID = os.environ.get("MAILBOX_TRUSTED_AUTHSERV_ID", "")
    MAILBOX_MAX_MESSAGE_BYTES = _env_int("MAILBOX_MAX_MESSAGE_BYTES", 5 * 1024 * 1024)
    #: Connect with STARTTLS on a plain port instead of TLS from the start (port 993).
    MAILBOX_IMAP_STARTTLS = _env_bool("MAILBOX_IMAP_STARTTLS", False)
    #: A CA bundle to trust for the IMAP server instead of the system's; empty for the system's.
    MAILBOX_IMAP_CA_FILE = os.environ.get("MAILBOX_IMAP_CA_FILE", "")
    #: Replies to one sender are limited to this many an hour and a day (stops mail loops).
    MAILBOX_REPLIES_PER_HOUR = _env_int("MAILBOX_REPLIES_PER_HOUR", 3)
    MAILBOX_REPLIES_PER_DAY = _env_int("MAILBOX_REPLIES_PER_DAY", 10)

    #: `/metrics` needs `Authorization: Bearer <this>` when set; when empty it answers only
    #: requests straight from a private or loopback address (see booking/metrics.py).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    #: `json` writes one JSON object per log line (production); `text` plain lines.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    #: The coordinators' status page raises an alert when a scheduled command has not
    #: succeeded for this long, or the oldest waiting email is this old (deploy/README.md).
    STATUS_TICK_LATE_MINUTES = _env_int("STATUS_TICK_LATE_MINUTES", 15)
    STATUS_REMINDERS_LATE_MINUTES = _env_int("STATUS_REMINDERS_LATE_MINUTES", 120)
    STATUS_MAILBOX_POLL_LATE_MINUTES = _env_int("STATUS_MAILBOX_POLL_LATE_MINUTES", 10)
    STATUS_PURGE_LATE_HOURS = _env_int("STATUS_PURGE_LATE_HOURS", 26)
    STATUS_OUTBOX_LATE_MINUTES = _env_int("STATUS_OUTBOX_LATE_MINUTES", 15)


class DevelopmentConfig(Config):
    """Local use: SQLite in the instance folder, a fixed harmless secret, mail printed only."""

    ENV_NAME = "development"
    DEBUG = False
    SECRET_KEY = Config.SECRET_KEY or DEVELOPMENT_SECRET_KEY
    MAIL_SUPPRESS_SEND = _env_bool("MAIL_SUPPRESS_SEND", True)
    DEVELOPMENT_TOOLS = _env_bool("DEVELOPMENT_TOOLS", True)


class TestingConfig(Config):
    """The test suite: its own database (DATABASE_URL is ignored), no real mail, no rate limits."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = TESTING_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    MAIL_SUPPRESS_SEND = True
    OUTBOX_SEND_AFTER_REQUEST = False
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    SITE_URL = "http://localhost"
    SERVER_NAME = None
    #: Off so tests that move the clock by days stay signed in; tests/security turns them on.
    COORDINATOR_IDLE_TIMEOUT = None
    COORDINATOR_ABSOLUTE_TIMEOUT = None
    #: Tests add loopback providers of their own.
    OIDC_PROVIDERS: list[dict] = []


class ProductionConfig(Config):
    """Live service: refuses to start without a secret key; cookies only over HTTPS."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_MAX_AGE = 31536000


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
