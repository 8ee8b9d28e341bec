"""Fixtures for the mailbox tests: courses to match against, the test messages, settings."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from booking.extensions import db
from booking.models import EmailLink, OutboxMessage
from booking.services.mailbox import MailboxConfig

MESSAGES = Path(__file__).parent / "messages"


def message_bytes(name: str) -> bytes:
    return (MESSAGES / name).read_bytes()


@pytest.fixture
def courses(make, clock):
    """Four published courses in 2026 (the clock says 5 January 2026)."""
    kendal = make.venue("Kendal")
    carlisle = make.venue("Carlisle", postcode="CA3 8QG")
    barrow = make.venue("Barrow", postcode="LA14 2LD")
    return {
        "kendal_march": make.course(date(2026, 3, 2), venue_obj=kendal),
        "carlisle_march": make.course(date(2026, 3, 10), venue_obj=carlisle),
        "barrow_april": make.course(date(2026, 4, 14), venue_obj=barrow),
        "kendal_october": make.course(date(2026, 10, 6), venue_obj=kendal),
    }


@pytest.fixture
def config(app):
    """The app's mailbox settings, with a 20 KB size limit so the oversized message is small."""
    return replace(MailboxConfig.from_mapping(app.config), max_message_bytes=20_000)


def outbox_rows() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def link_from(outbox: OutboxMessage) -> tuple[str, EmailLink]:
    """The emailed URL in a reply, and the EmailLink row its token opens."""
    url = re.search(r"http://localhost/\S+", outbox.text_body).group(0)
    token = url.rsplit("/", 1)[1]
    link = db.session.scalars(
        select(EmailLink).where(EmailLink.token_hash == hashlib.sha256(token.encode()).hexdigest())
    ).one()
    return url, link


@pytest.fixture
def dovecot():
    """A real Dovecot on 127.0.0.1 (own config, certificate and maildir), stopped afterwards."""
    from .imap_server import Dovecot, dovecot_binary

    if dovecot_binary() is None:
        pytest.skip(
            "Dovecot is not installed (apt-get install -y dovecot-imapd); "
            "the IMAP poll tests need a real server"
        )
    server = Dovecot().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_app(app, dovecot):
    """The app pointed at the test Dovecot over TLS, trusting its self-signed certificate."""
    from .imap_server import PASSWORD, USER

    saved = dict(app.config)
    app.config.update(
        MAILBOX_IMAP_HOST="127.0.0.1",
        MAILBOX_IMAP_PORT=dovecot.imaps_port,
        MAILBOX_IMAP_USER=USER,
        MAILBOX_IMAP_PASSWORD=PASSWORD,
        MAILBOX_IMAP_OAUTH2_TOKEN="",
        MAILBOX_IMAP_CA_FILE=dovecot.ca_file,
        MAILBOX_IMAP_STARTTLS=False,
        MAILBOX_MAX_MESSAGE_BYTES=20_000,
    )
    yield app
    app.config.clear()
    app.config.update(saved)
