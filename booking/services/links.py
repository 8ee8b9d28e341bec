"""Links sent by email.

Two kinds:

* One-time links (`issue_link` / `consume_link`): a random token of 256 bits goes in the
  email and only its SHA-256 hash is stored. The link works once, until it expires. Opening
  it (GET) only looks (`peek_link`); the button on that page (POST) uses it up. Used for
  "confirm your email address" and, later, signing in.
* Booking links (`manage_token`): each booking's emails carry a signed token naming the
  booking and its random `link_key`, so nothing secret is stored and changing the key
  revokes every earlier link. The feedback form's link (`feedback_path`) is signed the same
  way with its own salt, so it opens the form and nothing else.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import cast

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Table, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..addresses import _FEEDBACK_SALT, _MANAGE_SALT
from ..addresses import LINK_PATHS as LINK_PATHS  # re-exported: pages build addresses here
from ..addresses import feedback_path as feedback_path
from ..addresses import link_path as link_path
from ..addresses import manage_path as manage_path
from ..addresses import manage_token as manage_token
from ..extensions import db
from ..models import Booking, Course, EmailLink, LinkPurpose
from .db import transactional
from .errors import LinkInvalid

TOKEN_BYTES = 32


class LinkUsed(LinkInvalid):
    default_message = "This link has already been used."


class LinkExpired(LinkInvalid):
    default_message = "This link has expired. Please ask for a new one."


class LinkState(enum.StrEnum):
    USABLE = "usable"
    USED = "used"
    EXPIRED = "expired"


def hash_token(raw_token: str) -> str:
    """The SHA-256 hex digest stored in place of a token."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


@transactional
def issue_link(
    purpose: LinkPurpose,
    email: str,
    *,
    now: datetime,
    ttl: timedelta,
    course: Course | None = None,
    booking: Booking | None = None,
    details: Mapping | None = None,
) -> tuple[EmailLink, str]:
    """Store a new one-time link and return it with the raw token (which is never stored)."""
    raw_token = secrets.token_urlsafe(TOKEN_BYTES)
    link = EmailLink(
        purpose=LinkPurpose(purpose),
        token_hash=hash_token(raw_token),
        email=email.strip().lower(),
        course_id=course.id if course is not None else None,
        booking_id=booking.id if booking is not None else None,
        details=dict(details or {}),
        created_at=now,
        expires_at=now + ttl,
    )
    db.session.add(link)
    db.session.flush()
    return link, raw_token


def _could_be_a_token(raw_token: str) -> bool:
    return bool(raw_token) and len(raw_token) <= 200


def peek_link(purpose: LinkPurpose, raw_token: str) -> EmailLink | None:
    """The link for this token, used or not, without changing anything (for the GET page)."""
    if not _could_be_a_token(raw_token):
        return None
    return db.session.scalar(
        select(EmailLink).where(
            EmailLink.token_hash == hash_token(raw_token),
            EmailLink.purpose == LinkPurpose(purpose),
        )
    )


def link_state(link: EmailLink, *, now: datetime) -> LinkState:
    """Whether a link can still be used, was used, or has run out."""
    if link.used_at is not None:
        return LinkState.USED
    if now >= link.expires_at:
        return LinkState.EXPIRED
    return LinkState.USABLE


@transactional
def consume_link(purpose: LinkPurpose, raw_token: str, *, now: datetime) -> EmailLink:
    """Use a link up. Raises LinkUsed, LinkExpired or LinkInvalid (unknown token).

    One conditional `UPDATE ... RETURNING` (on the confirm path a booking waits for it): safe
    when the same link is posted twice at once, as only one transaction changes the row.
    Only a link that cannot be used is read again, to say why.
    """
    if _could_be_a_token(raw_token):
        used = db.session.scalar(
            update(EmailLink)
            .where(
                EmailLink.token_hash == hash_token(raw_token),
                EmailLink.purpose == LinkPurpose(purpose),
                EmailLink.used_at.is_(None),
                EmailLink.expires_at > now,
            )
            .values(used_at=now)
            .returning(EmailLink)
            .execution_options(populate_existing=True)
        )
        if used is not None:
            return used
    link = peek_link(purpose, raw_token)
    if link is None:
        raise LinkInvalid()
    if link.used_at is not None:
        raise LinkUsed()
    raise LinkExpired()


def record_result(link: EmailLink, booking_id: int, *, details: dict | None = None) -> None:
    """Note on a used link the booking it made or changed (and its details, when they
    change): one plain UPDATE, sent now, in the caller's transaction (a booking does this
    while it holds its course's lock; the unit of work would cost more than the update)."""
    values: dict = {"result_booking_id": booking_id}
    if details is not None:
        values["details"] = details
    table = cast(Table, EmailLink.__table__)
    db.session.execute(update(table).where(table.c.id == link.id).values(**values))
    for name, value in values.items():
        set_committed_value(link, name, value)


def booking_from_feedback_token(token: str, secret_key: str) -> Booking | None:
    """The booking a feedback link names, or None if it is forged, mangled or revoked."""
    return booking_from_manage_token(token, secret_key, salt=_FEEDBACK_SALT)


def booking_from_manage_token(
    token: str, secret_key: str, *, salt: str = _MANAGE_SALT
) -> Booking | None:
    """The booking a manage token names, or None if it is forged, mangled or revoked."""
    try:
        booking_id, key = URLSafeSerializer(secret_key, salt=salt).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(booking_id, int) or not isinstance(key, str):
        return None
    booking = db.session.get(Booking, booking_id)
    if booking is None or not hmac.compare_digest(booking.link_key, key):
        return None
    return booking


def new_link_key() -> str:
    """A fresh random key for a booking's links."""
    return secrets.token_hex(16)
