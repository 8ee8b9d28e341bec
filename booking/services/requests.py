"""Asking for a place: the request and its confirm link, booking when signed in, and
`book_place`, which gives a place or a place on the waitlist (rules 1-3 and 6).

Every booking decision runs in one transaction that locks the course row first, counts
places with `allocation`, and only then writes (see services/transitions.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from .. import time_limits
from ..extensions import db
from ..models import (
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    EmailLink,
    LinkPurpose,
    Person,
)
from . import audit, emails, links, people
from .actors import BY_EMAILED_LINK, SIGNED_IN, ActorLike
from .db import pause_for_tests, transactional
from .errors import AlreadyBooked, BookingClosed, CourseNotBookable, NotFound, ValidationError
from .transitions import (
    active_on_course,
    insert,
    live_bookings_of_type,
    lock,
    new_booking,
    refuse_if_holding_elsewhere,
    row_id,
    withdraw_other_waits,
)
from .waitlist import fill_locked, has_completed, offer_number

#: What the public booking form collects; stored in the confirm link until it is followed.
REQUEST_FIELDS = (
    "email",
    "full_name",
    "job_title",
    "team",
    "organisation",
    "line_manager_email",
    "support_needs",
)


def check_open(course: Course, now: datetime) -> None:
    """Refuse unless the course is open for booking (`Course.is_open_for_booking`), saying
    why: not published, or past its booking cut-off."""
    if course.is_open_for_booking(now):
        return
    if course.status != CourseStatus.PUBLISHED:
        raise CourseNotBookable()
    raise BookingClosed()


# --------------------------------------------------------------------------------------------
# Asking for a place and confirming the address
# --------------------------------------------------------------------------------------------


@transactional
def request_place(
    course: Course,
    details: Mapping[str, str],
    *,
    now: datetime,
) -> tuple[EmailLink, str]:
    """Send a one-time link to prove the address is theirs; nothing is held until it is used.

    Returns the stored `EmailLink` and the raw token (which only goes in the email).
    """
    check_open(course, now)
    email = people.normalise_email(details.get("email", ""))
    if "@" not in email:
        raise ValidationError("Enter an email address in the correct format.", field="email")
    stored = {key: str(details.get(key) or "").strip() for key in REQUEST_FIELDS}
    stored.update(people.clean_details(stored))
    # Other facts a caller adds (the mailbox: "source", "inbound_message_id") are kept too.
    stored.update({k: v for k, v in details.items() if k not in stored and v is not None})
    stored["email"] = email
    link, token = links.issue_link(
        LinkPurpose.CONFIRM_BOOKING,
        email,
        now=now,
        ttl=time_limits.CONFIRM_LINK_LIFETIME,
        course=course,
        details=stored,
    )
    emails.confirm_your_email(link.email, course, token, now=now, expires_at=link.expires_at)
    return link, token


def organisation_needed(link: EmailLink, *, council_domains: Iterable[str]) -> bool:
    """Whether the confirm page must ask for the organisation: the link came from an email
    to the training mailbox (no form was filled in) for someone from a partner agency whose
    organisation we do not know."""
    return people.organisation_missing(
        link.email, (link.details or {}).get("organisation", ""), council_domains=council_domains
    )


@transactional
def confirm_request(
    raw_token: str, *, now: datetime, council_domains: Iterable[str], organisation: str = ""
) -> Booking:
    """Follow a confirm link (the POST): the person is found or created, then booked.

    `organisation` is what the confirm page asked for when `organisation_needed` said so.
    Raises `links.LinkUsed` / `links.LinkExpired` / `LinkInvalid` for a link that cannot be
    used; a used link's `result_booking_id` says what it made.
    """
    organisation = (organisation or "").strip()[:200]
    peeked = links.peek_link(LinkPurpose.CONFIRM_BOOKING, raw_token)
    if (
        peeked is not None
        and not organisation
        and links.link_state(peeked, now=now) == links.LinkState.USABLE
        and organisation_needed(peeked, council_domains=council_domains)
    ):
        raise ValidationError("Enter the organisation you work for", field="organisation")
    link = links.consume_link(LinkPurpose.CONFIRM_BOOKING, raw_token, now=now)
    course = db.session.get(Course, link.course_id)
    if course is None:
        raise NotFound("We could not find that course.")
    details = dict(link.details or {})
    if organisation:
        details["organisation"] = organisation
    person = people.find_or_create_person(
        link.email, council_domains=council_domains, now=now, details=details
    )
    booking = book_place(
        course,
        person,
        actor=BY_EMAILED_LINK,
        now=now,
        support_needs=details.get("support_needs", ""),
    )
    link.result_booking_id = booking.id
    # The private text now lives on the booking only.
    details.pop("support_needs", None)
    link.details = details
    return booking


@transactional
def book_as_signed_in(
    course: Course,
    person: Person,
    details: Mapping[str, str],
    *,
    now: datetime,
) -> Booking:
    """Book straight away for someone signed in with an emailed link: their address is
    already proven, so no second link is needed. The form's details update their record."""
    if people.normalise_email(details.get("email", "")) != person.email:
        raise ValidationError(
            "You are signed in as a different person. Book with your own email address, "
            "or sign out first.",
            field="email",
        )
    # book_place checks the course is open, under its lock.
    person = people.update_details(person, details)
    return book_place(
        course, person, actor=SIGNED_IN, now=now, support_needs=details.get("support_needs", "")
    )


# --------------------------------------------------------------------------------------------
# Taking a place (rules 1-3 and 6)
# --------------------------------------------------------------------------------------------


@transactional
def book_place(
    course: Course,
    person: Person,
    *,
    actor: ActorLike,
    now: datetime,
    support_needs: str = "",
) -> Booking:
    """Give the person a place if one they may take is free, otherwise a place on the waitlist.

    Asking twice returns the same booking. Someone who holds a place on another date of this
    course type is told to move instead. Someone who has completed the training only joins
    the waitlist (they may be offered a place once places are open to everyone).
    """
    # Read before the lock what the decision does not change (on PostgreSQL the lock is the
    # course row, so this waits for nobody): the person's bookings of this training (a
    # place taken elsewhere meanwhile is refused by the unique index when inserting) and
    # whether they completed it.
    course_id, course_type_id = row_id(course), course.course_type_id
    theirs = live_bookings_of_type(person.id, course_type_id)
    completed = has_completed(person, course_type_id)
    existing = next((b for b in theirs if b.course_id == course_id), None)
    if existing is not None:
        return existing

    course = lock(course_id)
    check_open(course, now)
    refuse_if_holding_elsewhere(person, course, live=theirs)

    filled = fill_locked(course, now)  # people already waiting come first
    assert filled.availability is not None  # check_open: it takes bookings
    free = filled.availability.free_for(person.group)
    takes_place = free > 0 and not completed
    pause_for_tests()  # between the count and the write (the control test widens this gap)

    status = BookingStatus.CONFIRMED if takes_place else BookingStatus.WAITLISTED
    booking = new_booking(course, person, status, now=now, support_needs=support_needs)
    if not insert(booking):
        # A second click got here first (or a place on another date was just taken).
        existing = active_on_course(person.id, course.id)
        if existing is not None:
            return existing
        refuse_if_holding_elsewhere(person, course)
        raise AlreadyBooked()
    audit.record(
        "booking.confirmed" if takes_place else "booking.waitlisted",
        booking,
        actor=actor,
        now=now,
        course_id=course.id,
        completed_before=completed,
    )
    if takes_place:
        waits = [b for b in theirs if b.status == BookingStatus.WAITLISTED]
        withdraw_other_waits(booking, actor=actor, now=now, waits=waits)
        emails.place_confirmed_soon(booking, now=now)
    else:
        if free > 0 and filled.availability.released:
            fill_locked(course, now)  # someone already trained may take a place open to all
        if booking.status == BookingStatus.WAITLISTED:
            emails.waitlisted_soon(
                booking, position=offer_number(booking, now=now, completed=completed), now=now
            )
    return booking
