"""`flask mailbox ingest` (one message on standard input, for a mail server's pipe) and
`flask mailbox poll` (new messages from the IMAP mailbox).

Exit codes follow sysexits, which mail servers understand: 0 when the message was handled
(a duplicate, an ignored automatic reply and an unreadable message all count: they are
recorded), 75 (EX_TEMPFAIL) when the database or mailbox cannot be reached, so the mail
server keeps the message and tries again later. Bad mail never makes the command fail.
"""

from __future__ import annotations

import sys
import traceback

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError, OperationalError

from ..clock import now
from ..extensions import db
from ..mail.inbound.fetching import (
    DEFAULT_OAUTH2_SCOPE,
    ImapSettings,
    MailboxUnavailable,
    OAuth2Client,
    SkipMessage,
    poll,
)
from ..services import jobs
from ..services.errors import TryAgain
from ..services.mailbox import IngestResult, MailboxConfig, ingest
from .runs import record

EX_OK = 0
EX_TEMPFAIL = 75

mailbox_cli = AppGroup("mailbox", help="Read the training mailbox.")


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(mailbox_cli)


def _log_fault(what: str) -> None:
    """Log where handling a message failed, not what the error said: its text can quote the
    message (an address, a name, words from the body)."""
    _kind, error, trace = sys.exc_info()
    frames = "".join(traceback.format_tb(trace))
    current_app.logger.error("%s (%s).\n%s", what, type(error).__name__, frames)


def _describe(result: IngestResult) -> str:
    message = result.message
    if result.duplicate:
        return f"Already handled (message {message.id}): nothing done."
    return f"Recorded message {message.id}: {message.outcome.value.replace('_', ' ')}."


@mailbox_cli.command("ingest")
def ingest_command() -> None:
    """Handle one email (RFC 822) read from standard input."""
    config = MailboxConfig.from_mapping(current_app.config)
    raw, size = _read_stdin(sys.stdin.buffer, config.max_message_bytes)
    try:
        result = ingest(raw, now=now(), config=config, size=size)
    except (OperationalError, DBAPIError, TryAgain) as exc:
        db.session.rollback()
        click.echo(
            f"The database is not available; try again later. ({type(exc).__name__})", err=True
        )
        sys.exit(EX_TEMPFAIL)
    except Exception:
        # A fault of ours, not of the message: keep the mail at the server and retry later.
        db.session.rollback()
        _log_fault("Could not handle an incoming message")
        click.echo("Could not handle the message; try again later.", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(_describe(result))


def _read_stdin(stream, max_bytes: int) -> tuple[bytes, int]:
    """Read everything (so the mail server's pipe never breaks), keeping at most enough to
    recognise an oversized message."""
    kept = bytearray()
    size = 0
    while chunk := stream.read(65536):
        size += len(chunk)
        if len(kept) <= max_bytes:
            kept.extend(chunk[: max_bytes + 1 - len(kept)])
    return bytes(kept), size


def _access_token(settings) -> str:
    """A fresh OAuth2 token when a client is set up (MAILBOX_OAUTH2_CLIENT_ID), else the
    fixed MAILBOX_IMAP_OAUTH2_TOKEN (which may be empty: then the password signs in)."""
    if not settings.get("MAILBOX_OAUTH2_CLIENT_ID"):
        return settings.get("MAILBOX_IMAP_OAUTH2_TOKEN", "")
    return OAuth2Client(
        client_id=settings["MAILBOX_OAUTH2_CLIENT_ID"],
        client_secret=settings.get("MAILBOX_OAUTH2_CLIENT_SECRET", ""),
        tenant=settings.get("MAILBOX_OAUTH2_TENANT", ""),
        token_url=settings.get("MAILBOX_OAUTH2_TOKEN_URL", ""),
        scope=settings.get("MAILBOX_OAUTH2_SCOPE") or DEFAULT_OAUTH2_SCOPE,
    ).fetch_token()


@mailbox_cli.command("poll")
@click.option("--starttls", is_flag=True, help="Connect in plain text, then upgrade with STARTTLS.")
def poll_command(starttls: bool) -> None:
    """Fetch new messages from the IMAP mailbox, handle each, and mark them handled."""
    settings = current_app.config
    config = MailboxConfig.from_mapping(settings)
    try:
        token = _access_token(settings)
    except MailboxUnavailable as exc:
        click.echo(str(exc), err=True)
        record(jobs.MAILBOX_POLL, succeeded=False)
        sys.exit(EX_TEMPFAIL)
    imap = ImapSettings(
        host=settings.get("MAILBOX_IMAP_HOST", ""),
        port=int(settings.get("MAILBOX_IMAP_PORT") or 993),
        user=settings.get("MAILBOX_IMAP_USER", ""),
        password=settings.get("MAILBOX_IMAP_PASSWORD", ""),
        oauth2_token=token,
        starttls=starttls or bool(settings.get("MAILBOX_IMAP_STARTTLS")),
        ca_file=settings.get("MAILBOX_IMAP_CA_FILE", ""),
        max_message_bytes=config.max_message_bytes,
    )

    def handle(raw: bytes, size: int) -> str:
        try:
            result = ingest(raw, now=now(), config=config, size=size)
        except (OperationalError, DBAPIError, TryAgain):
            raise  # the database is down: stop, every message would fail the same way
        except Exception as exc:
            db.session.rollback()
            _log_fault("Could not handle a message from the mailbox")
            raise SkipMessage() from exc
        return "duplicate" if result.duplicate else result.message.outcome.value

    try:
        result = poll(imap, handle)
    except MailboxUnavailable as exc:
        click.echo(f"Could not read the mailbox: {exc}", err=True)
        record(jobs.MAILBOX_POLL, succeeded=False)
        sys.exit(EX_TEMPFAIL)
    except (OperationalError, DBAPIError, TryAgain) as exc:
        db.session.rollback()
        click.echo(
            f"The database is not available; try again later. ({type(exc).__name__})", err=True
        )
        record(jobs.MAILBOX_POLL, succeeded=False)
        sys.exit(EX_TEMPFAIL)
    record(jobs.MAILBOX_POLL)
    if not result.found:
        click.echo("No new messages.")
        return
    click.echo(
        f"Handled {result.handled} of {result.found} new messages ({', '.join(result.outcomes)})."
    )
