"""Attendees sign in to "My bookings" with an emailed link: no passwords.

A link carries 256 bits of randomness (`secrets.token_urlsafe(32)`); only its SHA-256 hash is
stored. It works once, for 15 minutes. Asking for one gives the same answer whether or not
we know the address (only known addresses get an email).

`_issue_link` and `_consume_link` mirror `services/links.py` (`issue_link`, `consume_link`)
from the booking work, which was not on this branch: when the branches meet, these two
become calls to that module.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update

from .. import emails
from ..extensions import db
from ..models import EmailLink, LinkPurpose, Person
from . import audit
from .db import transactional
from .errors import LinkInvalid

SIGN_IN_LINK_LIFETIME = timedelta(minutes=15)


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def _issue_link(
    purpose: LinkPurpose, email: str, *, now: datetime, ttl: timedelta, **fields
) -> tuple[EmailLink, str]:
    raw_token = secrets.token_urlsafe(32)
    link = EmailLink(
        purpose=purpose,
        token_hash=hash_token(raw_token),
        email=email,
        created_at=now,
        expires_at=now + ttl,
        **fields,
    )
    db.session.add(link)
    db.session.flush()
    return link, raw_token


def _find_usable_link(purpose: LinkPurpose, raw_token: str, now: datetime) -> EmailLink:
    link = db.session.scalar(
        select(EmailLink).where(
            EmailLink.token_hash == hash_token(raw_token or ""), EmailLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise LinkInvalid()
    return link


def _consume_link(purpose: LinkPurpose, raw_token: str, *, now: datetime) -> EmailLink:
    """Mark the link used, atomically: of two clicks at once, only one succeeds."""
    link = _find_usable_link(purpose, raw_token, now)
    used = db.session.execute(
        update(EmailLink)
        .where(EmailLink.id == link.id, EmailLink.used_at.is_(None), EmailLink.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise LinkInvalid()
    db.session.refresh(link)
    return link


def _known_person(email: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(Person.email == email, Person.anonymised_at.is_(None))
    )


@transactional
def request_sign_in_link(email: str, *, link_for: Callable[[str], str], now: datetime) -> None:
    """Email a sign-in link if we know the address; say nothing either way.

    `link_for(token)` turns a token into the full address of the link, built by the caller
    from the configured site address (never from the request's Host header).
    """
    person = _known_person((email or "").strip().lower())
    if person is None:
        return
    _link, raw_token = _issue_link(
        LinkPurpose.SIGN_IN, person.email, now=now, ttl=SIGN_IN_LINK_LIFETIME
    )
    emails.sign_in_link(person.email, link_for(raw_token), now=now)


def check_sign_in_link(raw_token: str, *, now: datetime) -> EmailLink:
    """The link, if it could still be used; it is not used up (link scanners open links)."""
    return _find_usable_link(LinkPurpose.SIGN_IN, raw_token, now)


@transactional
def use_sign_in_link(raw_token: str, *, now: datetime) -> Person:
    """Use the link up and return the person it signs in."""
    link = _consume_link(LinkPurpose.SIGN_IN, raw_token, now=now)
    person = _known_person(link.email)
    if person is None:
        raise LinkInvalid()
    audit.record("person.signed_in", person, actor="the person, by emailed link", now=now)
    return person


@transactional
def end_person_sessions(person: Person, *, now: datetime) -> Person:
    """Signing out: every signed-in session of this person ends."""
    person = db.session.get(Person, person.id, with_for_update=True, populate_existing=True)
    person.session_version += 1
    return person
