"""`flask doctor`'s checks: is this configuration safe and complete before the service starts?

Each check returns a `Finding`: ok, a warning (works, but not as it should in production),
or a problem (put it right before starting), with what to do in plain words.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .checks import MAKE_A_KEY, rate_limits_in_memory, secret_key_weakness
from .health import database_problem

OK, WARNING, PROBLEM = "ok", "warning", "problem"


@dataclass(frozen=True)
class Finding:
    level: str
    topic: str
    message: str
    #: What to do about a warning or a problem.
    fix: str = ""


def run_checks(config: Mapping, *, workers: int) -> list[Finding]:
    """Every check, in the order an administrator would put things right."""
    checks: list[Callable[[], Finding]] = [
        lambda: check_secret_key(config),
        lambda: check_site_url(config),
        lambda: check_database(config),
        lambda: check_redis(config),
        lambda: check_rate_limit_storage(config, workers=workers),
        lambda: check_mail_server(config),
        lambda: check_mailbox(config),
        check_time_zone,
    ]
    return [check() for check in checks]


def _production(config: Mapping) -> bool:
    return config.get("ENV_NAME") == "production"


# --- Each check ------------------------------------------------------------------------------


def check_secret_key(config: Mapping) -> Finding:
    weakness = secret_key_weakness(config.get("SECRET_KEY"))
    if weakness is None:
        return Finding(OK, "Secret key", "SECRET_KEY is long and random enough.")
    problem = f"SECRET_KEY {weakness}"
    fix = f"Make one with  {MAKE_A_KEY}  and set SECRET_KEY to it in the environment file."
    if _production(config):
        return Finding(
            PROBLEM, "Secret key", problem + ": anyone could sign in as a coordinator.", fix
        )
    return Finding(
        WARNING, "Secret key", problem + ". That is fine here, never in production.", fix
    )


def check_site_url(config: Mapping) -> Finding:
    url = config.get("SITE_URL") or ""
    if url.startswith("https://"):
        return Finding(OK, "Site address", f"SITE_URL is {url}.")
    fix = "Set SITE_URL to the https:// address people use, for example https://training.cumbria.gov.uk."
    if _production(config):
        return Finding(
            PROBLEM,
            "Site address",
            f"SITE_URL is {url or 'not set'}: links in emails would not use HTTPS, and the "
            "secure sign-in cookie would not work.",
            fix,
        )
    return Finding(OK, "Site address", f"SITE_URL is {url} (production needs https://).")


def check_database(config: Mapping) -> Finding:
    problem = database_problem()
    if problem:
        fix = "Check DATABASE_URL and that the database server runs. After each upgrade run flask db upgrade."
        return Finding(PROBLEM, "Database", problem, fix)
    url = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if _production(config) and not url.startswith("postgresql"):
        return Finding(
            WARNING,
            "Database",
            "The database answers and is up to date, but it is not PostgreSQL.",
            "Use PostgreSQL in production: DATABASE_URL=postgresql+psycopg://user:password@host/name.",
        )
    return Finding(OK, "Database", "The database answers and has every migration.")


def check_redis(config: Mapping) -> Finding:
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not uri.startswith(("redis://", "rediss://")):
        return Finding(OK, "Redis", "Not used (RATELIMIT_STORAGE_URI does not name Redis).")
    import redis

    try:
        client = redis.Redis.from_url(uri, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return Finding(
            PROBLEM,
            "Redis",
            f"Redis at RATELIMIT_STORAGE_URI does not answer ({type(exc).__name__}); rate limits "
            "would fall back to each worker's own memory.",
            "Start Redis (systemctl start redis-server) or correct RATELIMIT_STORAGE_URI.",
        )
    return Finding(OK, "Redis", "Redis answers, so every worker and server shares rate limits.")


def check_rate_limit_storage(config: Mapping, *, workers: int) -> Finding:
    """Limits kept in memory are counted separately by each worker and each server."""
    if not config.get("RATELIMIT_ENABLED", True):
        return Finding(OK, "Rate limits", "Rate limits are turned off (RATELIMIT_ENABLED).")
    if not rate_limits_in_memory(config):
        return Finding(OK, "Rate limits", "Rate limits are kept where every worker shares them.")
    fix = "Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (the same Redis for every server)."
    if workers > 1:
        return Finding(
            PROBLEM,
            "Rate limits",
            f"Rate limits are kept in each worker's memory, so {workers} workers allow "
            f"{workers} times as many tries.",
            fix,
        )
    if _production(config):
        return Finding(
            WARNING,
            "Rate limits",
            "Rate limits are kept in this worker's memory: a second worker or server would "
            "not share them.",
            fix,
        )
    return Finding(OK, "Rate limits", "Rate limits are kept in memory (fine for one worker).")


def check_mail_server(config: Mapping) -> Finding:
    if config.get("MAIL_SUPPRESS_SEND"):
        if _production(config):
            return Finding(
                WARNING,
                "Mail server",
                "MAIL_SUPPRESS_SEND is on: email stays in the outbox and nobody gets it.",
                "Set MAIL_SUPPRESS_SEND=0 once the mail server settings are right.",
            )
        return Finding(OK, "Mail server", "Sending is turned off here (MAIL_SUPPRESS_SEND).")
    host, port = config.get("MAIL_SERVER") or "localhost", int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    where = f"{host}:{port}"
    try:
        if config.get("MAIL_USE_SSL"):
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            code, _banner = server.ehlo()
            if code != 250:
                raise smtplib.SMTPResponseException(code, b"EHLO refused")
            if config.get("MAIL_USE_TLS"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if config.get("MAIL_USERNAME"):
                server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except (OSError, smtplib.SMTPException) as exc:
        return Finding(
            PROBLEM,
            "Mail server",
            f"The mail server at {where} did not accept us ({type(exc).__name__}).",
            "Check MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS or MAIL_USE_SSL, and the user and "
            "password, and that this server may connect to it.",
        )
    return Finding(OK, "Mail server", f"The mail server at {where} answers EHLO.")


def check_mailbox(config: Mapping) -> Finding:
    names = ("HOST", "USER", "PASSWORD", "OAUTH2_TOKEN")
    given = {n: config.get(f"MAILBOX_IMAP_{n}") for n in names}
    client_id = config.get("MAILBOX_OAUTH2_CLIENT_ID")
    if not any(given.values()) and not client_id:
        return Finding(
            OK,
            "Training mailbox",
            "No IMAP mailbox is set up (mail can be piped to flask mailbox ingest instead).",
        )
    missing = [f"MAILBOX_IMAP_{n}" for n in ("HOST", "USER") if not given[n]]
    if not (given["PASSWORD"] or given["OAUTH2_TOKEN"] or client_id):
        missing.append("MAILBOX_IMAP_PASSWORD (or MAILBOX_OAUTH2_CLIENT_ID for Microsoft 365)")
    if client_id and not (
        config.get("MAILBOX_OAUTH2_TENANT") or config.get("MAILBOX_OAUTH2_TOKEN_URL")
    ):
        missing.append("MAILBOX_OAUTH2_TENANT")
    if client_id and not config.get("MAILBOX_OAUTH2_CLIENT_SECRET"):
        missing.append("MAILBOX_OAUTH2_CLIENT_SECRET")
    ca_file = config.get("MAILBOX_IMAP_CA_FILE")
    if ca_file and not Path(ca_file).is_file():
        missing.append(f"MAILBOX_IMAP_CA_FILE (no file at {ca_file})")
    if missing:
        return Finding(
            PROBLEM,
            "Training mailbox",
            "The IMAP mailbox settings are not complete: " + "; ".join(missing) + ".",
            "Set each of them in the environment file, or remove the MAILBOX_IMAP_ settings "
            "to stop polling.",
        )
    return Finding(OK, "Training mailbox", f"The IMAP settings for {given['HOST']} are complete.")


def check_time_zone() -> Finding:
    try:
        london = ZoneInfo("Europe/London")
        summer = datetime(2026, 7, 1, 12, tzinfo=london).utcoffset()
    except (ZoneInfoNotFoundError, ValueError, OSError):
        summer = None
    if summer is None or summer.total_seconds() != 3600:
        return Finding(
            PROBLEM,
            "Time zone data",
            "Europe/London is missing from this machine's time zone data, so course times "
            "cannot be shown in UK time.",
            "Install it: apt-get install tzdata (or pip install tzdata in the virtual environment).",
        )
    return Finding(OK, "Time zone data", "Europe/London is there (British Summer Time included).")


def gunicorn_workers() -> int:
    """How many gunicorn workers this server runs (gunicorn reads WEB_CONCURRENCY too)."""
    try:
        return max(1, int(os.environ.get("WEB_CONCURRENCY", "1")))
    except ValueError:
        return 1
