"""Attendees sign in to "My bookings" with an emailed link: no passwords.

The link is one of services/links.py's one-time links: 256 bits of randomness, only its
SHA-256 hash stored, usable once, for `time_limits.SIGN_IN_LINK_LIFETIME`. Asking for one
gives the same answer, after the same work, whether or not we know the address (only known
addresses get an email). A partner agency's contact address is known too: it signs in to see
its agency's people (services/agencies.py), with a person record made at the first sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from .. import time_limits
from ..extensions import db
from ..mail.outbound import composing
from ..models import EmailLink, LinkPurpose, OutboxMessage, Person
from . import agencies, audit, links, people
from .actors import BY_EMAILED_LINK
from .db import transactional
from .errors import LinkInvalid


def _known_person(email: str) -> Person | None:
    person = people.find_person(email)
    return person if person is not None and person.anonymised_at is None else None


def is_named_manager(email: str) -> bool:
    """Someone (not erased) gave this address as their line manager's, ignoring case: they
    may sign in to see "My team" even if they never booked themselves."""
    address = people.normalise_email(email or "")
    if "@" not in address:
        return False
    return (
        db.session.scalar(
            select(Person.id)
            .where(
                func.lower(func.trim(Person.line_manager_email)) == address,
                Person.anonymised_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def _known_address(email: str) -> str | None:
    """The address to send a link to: a person's we know, or an agency contact's (who may
    never have booked); None for an address we do not know. Both are always looked up, so
    the work is the same whoever asks."""
    address = people.normalise_email(email or "")
    person = people.find_person(address)
    agency = agencies.agency_for_contact(address)
    if person is not None:
        return person.email if person.anonymised_at is None else None
    return agency.contact_email if agency is not None else None


@transactional
def request_sign_in_link(
    email: str, *, link_for: Callable[[str], str], now: datetime
) -> OutboxMessage | None:
    """Queue an email with a sign-in link if we know the address (returned), else None.

    `link_for(token)` turns a token into the full address of the link, built by the caller
    from the configured site address (never from the request's Host header).
    """
    known = _known_address(email)
    named = is_named_manager(email or "")  # asked every time: the same work either way
    if known is None and named:
        known = people.normalise_email(email)
    # The same work either way, so the answer takes as long and timing it tells no one who
    # has booked: for an address we do not know, the link and email are made, then undone.
    address = known or people.normalise_email(email)
    savepoint = db.session.begin_nested()
    _link, raw_token = links.issue_link(
        LinkPurpose.SIGN_IN, address, now=now, ttl=time_limits.SIGN_IN_LINK_LIFETIME
    )
    message = composing.sign_in_link(
        address, link_for(raw_token), now=now, lifetime=time_limits.SIGN_IN_LINK_LIFETIME
    )
    db.session.flush()
    if known is None:
        savepoint.rollback()
        return None
    savepoint.commit()
    return message


def sign_in_link_owner(raw_token: str) -> str | None:
    """The email address a sign-in link was sent to, used or not, if the link is ours."""
    link = links.peek_link(LinkPurpose.SIGN_IN, raw_token)
    return link.email if link is not None else None


def check_sign_in_link(raw_token: str, *, now: datetime) -> EmailLink:
    """The link, if it could still be used; it is not used up (link scanners open links)."""
    link = links.peek_link(LinkPurpose.SIGN_IN, raw_token)
    if link is None or links.link_state(link, now=now) != links.LinkState.USABLE:
        raise LinkInvalid()
    return link


@transactional
def use_sign_in_link(raw_token: str, *, now: datetime) -> Person:
    """Use the link up and return the person it signs in."""
    person, _manager = use_sign_in_link_as(raw_token, now=now)
    if person is None:
        raise LinkInvalid()
    return person


@transactional
def use_sign_in_link_as(raw_token: str, *, now: datetime) -> tuple[Person | None, str | None]:
    """Use the link up: the person it signs in (if they booked), and the address as a line
    manager (if anyone named it), to see "My team". Raises LinkInvalid if it is neither."""
    link = links.consume_link(LinkPurpose.SIGN_IN, raw_token, now=now)
    person = _known_person(link.email)
    if person is None and people.find_person(link.email) is None:
        person = agencies.contact_person(link.email, now=now)  # an agency contact's first
    manager = link.email if is_named_manager(link.email) else None
    if person is None and manager is None:
        raise LinkInvalid()
    if person is not None:
        audit.record("person.signed_in", person, actor=BY_EMAILED_LINK, now=now)
    return person, manager


@transactional
def end_person_sessions(person: Person, *, now: datetime) -> Person:
    """Signing out: every signed-in session of this person ends."""
    person = db.session.get_one(Person, person.id, with_for_update=True, populate_existing=True)
    person.session_version += 1
    return person
